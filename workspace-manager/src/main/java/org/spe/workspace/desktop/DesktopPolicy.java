package org.spe.workspace.desktop;

/**
 * What may cross a desktop connection besides the screen, the keyboard and the mouse. File
 * transfer, drives and printing never do; the clipboard only where a permit's settings allow it.
 *
 * @param clipboardToDesktop a paste from the researcher's own computer reaches the desktop
 * @param clipboardFromDesktop a copy on the desktop reaches the researcher's computer (this lets
 *     data out; keep it off unless the permit's review decided otherwise)
 */
public record DesktopPolicy(boolean clipboardToDesktop, boolean clipboardFromDesktop) {
    /** The default: no clipboard in either direction. */
    public static final DesktopPolicy NO_CLIPBOARD = new DesktopPolicy(false, false);

    /** Whether the desktop's VNC server needs the clipboard at all. */
    public boolean anyClipboard() {
        return clipboardToDesktop || clipboardFromDesktop;
    }
}
