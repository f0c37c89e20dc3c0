fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(path).unwrap();
    println!("{}", pdf_extract::extract_text_from_mem(&bytes).unwrap());
}
