"""CMP9xx: findings about the lint run itself (suppression comments)."""
