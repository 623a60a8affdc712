use std::process::ExitCode;

use clap::Parser;
use podium_server::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Token(args) => match podium_server::cli::token(&args) {
            Ok(token) => {
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("podium-server: could not sign the token: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Serve(args) => serve(args.into_config()),
        Command::Demo(args) => serve(args.into_config()),
    }
}

fn serve(config: podium_server::Config) -> ExitCode {
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("podium-server: could not start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(podium_server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("podium-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`). Whatever the filter says, the
/// WebSocket library's trace lines are dropped: they print every frame, and frames carry join
/// tokens, invitation codes and resume credentials, which are never logged.
fn init_tracing() {
    use tracing_subscriber::filter::{filter_fn, FilterExt as _};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let no_frames = filter_fn(|meta| {
        !(*meta.level() == tracing::Level::TRACE
            && (meta.target().starts_with("tungstenite")
                || meta.target().starts_with("tokio_tungstenite")))
    });
    // The same most verbose level as the filter's: without it the pair has no level limit,
    // and every `log` record of every library (a trace line for each WebSocket frame) would
    // be built and handed over only to be dropped: 4 % of the server's CPU under load.
    let no_frames =
        match tracing_subscriber::layer::Filter::<tracing_subscriber::Registry>::max_level_hint(
            &filter,
        ) {
            Some(level) => no_frames.with_max_level_hint(level),
            None => no_frames,
        };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(filter.and(no_frames));
    tracing_subscriber::registry().with(layer).init();
}
