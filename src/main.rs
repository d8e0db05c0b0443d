fn main() -> std::process::ExitCode {
    panel::main()
}
