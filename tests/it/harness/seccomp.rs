//! A seccomp filter for a spawned `ghcr-cli`: the kernel keyring system calls fail with
//! ENOSYS, as they do inside a container under Docker's default seccomp profile. With no
//! D-Bus session as well, the process has no keyring at all, through automatic selection.

use std::os::unix::process::CommandExt;
use std::process::Command;

// Classic BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
const LD_W_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const RET_K: u16 = 0x06; // BPF_RET | BPF_K
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
// struct seccomp_data: int nr; __u32 arch; …
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xc000_003e;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xc000_00b7;

fn op(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

/// Makes `add_key`, `request_key` and `keyctl` fail with ENOSYS in the spawned process.
pub fn deny_kernel_keyrings(cmd: &mut Command) {
    let filter = [
        op(LD_W_ABS, 0, 0, OFFSET_ARCH),
        // Another architecture's numbers mean other calls: allow everything (jump to 6).
        op(JEQ_K, 0, 4, AUDIT_ARCH),
        op(LD_W_ABS, 0, 0, OFFSET_NR),
        op(JEQ_K, 3, 0, libc::SYS_add_key as u32),
        op(JEQ_K, 2, 0, libc::SYS_request_key as u32),
        op(JEQ_K, 1, 0, libc::SYS_keyctl as u32),
        op(RET_K, 0, 0, SECCOMP_RET_ALLOW),
        op(RET_K, 0, 0, SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
    ];
    // SAFETY: between fork and exec only prctl is called, which is async-signal-safe; the
    // filter array is copied into the child's address space by fork and outlives the call.
    unsafe {
        cmd.pre_exec(move || {
            let prog = libc::sock_fprog {
                len: filter.len() as u16,
                filter: filter.as_ptr() as *mut libc::sock_filter,
            };
            if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || libc::prctl(
                    libc::PR_SET_SECCOMP,
                    libc::SECCOMP_MODE_FILTER,
                    &prog as *const libc::sock_fprog,
                ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
