"""Values as people type them, made comparable: one package that services and io share."""
