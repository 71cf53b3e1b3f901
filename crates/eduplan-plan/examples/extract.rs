//! Prints the targets of one plan file.
//!
//! cargo run -p eduplan-plan --example extract -- FILE [--format jsonl|table]

use eduplan_plan::{extract, read_file, to_jsonl};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut file = None;
    let mut format = "jsonl".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => format = it.next().cloned().unwrap_or_default(),
            f if f.starts_with("--format=") => format = f["--format=".len()..].to_string(),
            f => file = Some(f.to_string()),
        }
    }
    let Some(file) = file else {
        eprintln!("usage: extract FILE [--format jsonl|table]");
        std::process::exit(2);
    };
    let text = match read_file(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let name = std::path::Path::new(&file)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or(file.clone());
    let targets = extract(&name, &text);
    match format.as_str() {
        "jsonl" => print!("{}", to_jsonl(&targets)),
        "table" => {
            println!(
                "{:<36}\t{:>10}\t{:<8}\t{:<3}\t{:<5}\t{:<20}\tscope",
                "metric", "value", "unit", "cmp", "year", "indicator"
            );
            for t in &targets {
                println!(
                    "{:<36}\t{:>10}\t{:<8}\t{:<3}\t{:<5}\t{:<20}\t{}",
                    t.metric,
                    t.value,
                    t.unit,
                    t.cmp.as_str(),
                    t.year.map(|y| y.to_string()).unwrap_or_else(|| "-".into()),
                    t.indicator.as_deref().unwrap_or("-"),
                    t.scope.as_deref().unwrap_or("")
                );
            }
            eprintln!("{} targets", targets.len());
        }
        other => {
            eprintln!("unknown format {other:?}: use jsonl or table");
            std::process::exit(2);
        }
    }
}
