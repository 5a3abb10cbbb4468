# The bundle's run-time hook for PySide6, in place of PyInstaller's pyi_rth_pyside6 (named in
# ../rthooks.dat): the same set-up, less its import of PySide6.QtCore.
#
# PyInstaller's hook imports QtCore, to register a qt.conf naming the bundle's Qt folder when
# the bindings have none of their own. PySide6's wheels embed their own (":/qt/etc/qt.conf",
# a prefix relative to the QtCore module, so inside the bundle), so that import registers
# nothing; what it does is load Qt before the program's first line. The desktop start then
# reads the database key in a thread of this process instead of a forked child on another
# core (frontdoor_app.key_prefetch forks only while Qt is not loaded), unlike the same start
# from the venv, and PySide's import hook reads each module imported before the window's.
# Without that import, Qt is loaded when the program first imports it, as from the venv.
#
# Like PyInstaller's hook (6.x), on Linux: Qt's plugins and QML modules are looked for in
# the bundle. On Windows and macOS the path set-up of PyInstaller's hook is kept as well.
def _pyi_rthook():
    import os
    import sys

    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    if sys.platform.startswith("win"):
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6")
    else:
        pyqt_path = os.path.join(sys._MEIPASS, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(pyqt_path, "plugins")
    if is_macos_app_bundle:
        pyqt_path_res = os.path.normpath(
            os.path.join(sys._MEIPASS, "..", "Resources", os.path.relpath(pyqt_path, sys._MEIPASS))
        )
        os.environ["QML2_IMPORT_PATH"] = os.pathsep.join(
            [os.path.join(pyqt_path_res, "qml"), os.path.join(pyqt_path, "qml")]
        )
    else:
        os.environ["QML2_IMPORT_PATH"] = os.path.join(pyqt_path, "qml")
    if sys.platform.startswith("win"):
        prepend_path_to_environment_variable(sys._MEIPASS, "PATH")
    if sys.platform == "darwin" and not is_macos_app_bundle:
        prepend_path_to_environment_variable(sys._MEIPASS, "DYLD_LIBRARY_PATH")


_pyi_rthook()
del _pyi_rthook
