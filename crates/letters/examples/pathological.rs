fn main() {
    for unit in ["The inspectors were Ann Lee and ", "visit on 12 May 2019 and visit ", "Dear Sir\n", "- x:\n  - walking\n", "A\n\nB\n\n", "School report\n"] {
        let text = unit.repeat(1_000_000 / unit.len());
        let t = std::time::Instant::now();
        let _ = schoolsight_letters::parse(&text);
        println!("{:>30?}: {:?}", unit, t.elapsed());
    }
}
