//! The `bcpsim` command line.
fn main() -> std::process::ExitCode {
    bcpsim::app::main()
}
