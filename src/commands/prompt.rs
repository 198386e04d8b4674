//! Asking for a password on the terminal with echo turned off before the prompt is shown, as
//! OpenSSH's readpassphrase does: whatever is typed once the prompt is visible, even typed
//! ahead, is never echoed. (rpassword shows the prompt first and turns echo off after it,
//! so keys that arrive in between are echoed.)

use std::io;

/// Shows `prompt` on the terminal and reads one line from it without echo.
#[cfg(target_os = "linux")]
pub fn read_secret(prompt: &str) -> io::Result<String> {
    use std::io::{BufRead, Write};
    use std::os::fd::AsRawFd;

    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let fd = tty.as_raw_fd();
    // SAFETY: `termios` is plain data that tcgetattr fills in; `fd` is open for the call.
    let mut original: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(fd, &mut original) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut quiet = original;
    quiet.c_lflag &= !libc::ECHO;
    // The newline the user types is still shown, so the next line starts on its own.
    quiet.c_lflag |= libc::ECHONL;
    // SAFETY: as above; TCSANOW applies at once, before the prompt is written.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let restore = Restore { fd, original };
    let mut writer = &tty;
    writer.write_all(prompt.as_bytes())?;
    writer.flush()?;
    let mut line = String::new();
    io::BufReader::new(&tty).read_line(&mut line)?;
    drop(restore);
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Puts the terminal's settings back, also when reading failed.
#[cfg(target_os = "linux")]
struct Restore {
    fd: std::os::fd::RawFd,
    original: libc::termios,
}

#[cfg(target_os = "linux")]
impl Drop for Restore {
    fn drop(&mut self) {
        // SAFETY: `fd` is still open (the tty outlives this guard); `original` came from
        // tcgetattr.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.original);
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn read_secret(prompt: &str) -> io::Result<String> {
    rpassword::prompt_password(prompt)
}
