"""The desktop benchmark's busy workload: a window that moves and redraws.

Started by DesktopBenchmark inside the desktop's sandbox (not typed), on the desktop's display,
with Debian's python3 and nothing but libX11 through ctypes (no Tk in the sandbox).
Usage: moving-window.py READY_FILE START_FILE SECONDS. Maps a 240x160 window and writes
READY_FILE, waits for START_FILE, then moves the window back and forth across the screen every
20 ms and redraws a bar in it for SECONDS seconds, then exits.
"""
import ctypes
import os
import sys
import time

ready_file, start_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
x11 = ctypes.CDLL('libX11.so.6')
ulong, uint, pointer = ctypes.c_ulong, ctypes.c_uint, ctypes.c_void_p


class SetWindowAttributes(ctypes.Structure):
    _fields_ = [('background_pixmap', ulong), ('background_pixel', ulong), ('border_pixmap', ulong), ('border_pixel', ulong),
                ('bit_gravity', ctypes.c_int), ('win_gravity', ctypes.c_int), ('backing_store', ctypes.c_int),
                ('backing_planes', ulong), ('backing_pixel', ulong), ('save_under', ctypes.c_int), ('event_mask', ctypes.c_long),
                ('do_not_propagate_mask', ctypes.c_long), ('override_redirect', ctypes.c_int), ('colormap', ulong), ('cursor', ulong)]


x11.XOpenDisplay.restype = pointer
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XDefaultScreen.argtypes = [pointer]
x11.XRootWindow.restype = ulong
x11.XRootWindow.argtypes = [pointer, ctypes.c_int]
x11.XDefaultGC.restype = pointer
x11.XDefaultGC.argtypes = [pointer, ctypes.c_int]
x11.XCreateSimpleWindow.restype = ulong
x11.XCreateSimpleWindow.argtypes = [pointer, ulong, ctypes.c_int, ctypes.c_int, uint, uint, uint, ulong, ulong]
x11.XChangeWindowAttributes.argtypes = [pointer, ulong, ulong, ctypes.POINTER(SetWindowAttributes)]
x11.XMapRaised.argtypes = [pointer, ulong]
x11.XMoveWindow.argtypes = [pointer, ulong, ctypes.c_int, ctypes.c_int]
x11.XSetForeground.argtypes = [pointer, pointer, ulong]
x11.XFillRectangle.argtypes = [pointer, ulong, pointer, ctypes.c_int, ctypes.c_int, uint, uint]
x11.XSync.argtypes = [pointer, ctypes.c_int]

display = x11.XOpenDisplay(None)
if not display:
    sys.exit('cannot open display ' + os.environ.get('DISPLAY', '(unset)'))
screen = x11.XDefaultScreen(display)
window = x11.XCreateSimpleWindow(display, x11.XRootWindow(display, screen), 100, 400, 240, 160, 0, 0, 0x3060c0)
attributes = SetWindowAttributes(override_redirect=1)
x11.XChangeWindowAttributes(display, window, 1 << 9, ctypes.byref(attributes))  # CWOverrideRedirect: placed as asked
x11.XMapRaised(display, window)
gc = x11.XDefaultGC(display, screen)
x11.XSync(display, 0)
with open(ready_file, 'w') as ready:
    ready.write(str(os.getpid()))
while not os.path.exists(start_file):
    time.sleep(0.05)
end = time.monotonic() + seconds
frame = 0
while time.monotonic() < end:
    frame += 1
    step = frame % 120
    x11.XMoveWindow(display, window, 100 + (step if step < 60 else 120 - step) * 10, 400)
    x11.XSetForeground(display, gc, 0xffffff if frame % 2 else 0xf0a000)
    x11.XFillRectangle(display, window, gc, 20, 60, 200, 40)
    x11.XSync(display, 0)
    time.sleep(0.02)
