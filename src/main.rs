//! `gongkai`: thin entry point. Parses the command line, runs it, prints the
//! cause chain of an error and picks the exit code — nothing else.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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
