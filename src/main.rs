//! `gongkai`: thin entry point. Parses the command line, runs it, prints the
//! cause chain of an error and picks the exit code — nothing else.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: the build allocates many small short-lived values on several
/// threads, where glibc's allocator spent a sixth of the build (profiled).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = gongkai::cli::Cli::parse();
    match gongkai::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误：{err}");
            for cause in err.chain().skip(1) {
                eprintln!("  原因：{cause}");
            }
            ExitCode::from(gongkai::commands::EXIT_USAGE)
        }
    }
}

/// `gongkai check | head` should end quietly when `head` closes the pipe, as
/// command-line tools do, instead of panicking on a failed write.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up before any thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
