"""The meeting room: the main window, the agenda, attendance and the room's dialogs."""
