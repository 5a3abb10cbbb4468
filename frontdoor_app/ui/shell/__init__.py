"""Starting the application: the first look, sign-in, the recovery key, the main window's arrival."""
