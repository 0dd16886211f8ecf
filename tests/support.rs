//! Test helpers: a running server, CLI invocations, HTML checked by CSS selector.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub const EXAMPLE: &str = "../shared/examples/fiche-action-2006-2007.txt";

/// The example sheet's path from the crate root, where `cargo test` runs.
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE)
}

/// Runs `savoirs --data DIR args…` to completion.
pub fn savoirs(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_savoirs"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run savoirs")
}

/// Asserts a command succeeded, showing its output if not.
pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A `savoirs serve` process, killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    client: reqwest::blocking::Client,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    pub fn start(data: &Path) -> Server {
        Self::start_with(data, &[])
    }

    pub fn start_with(data: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_savoirs"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start savoirs serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the listening line");
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        Server {
            child,
            base,
            client,
            stdout,
        }
    }

    /// The next line the server prints after the listening line.
    pub fn next_line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read a line");
        line.trim().to_owned()
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GETs a page that must answer 200 and returns its HTML.
    pub fn page(&self, path: &str) -> scraper::Html {
        let response = self.get(path);
        assert_eq!(response.status(), 200, "GET {path}");
        scraper::Html::parse_document(&response.text().expect("body"))
    }

    /// GETs a JSON API path that must answer 200.
    pub fn json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path);
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().expect("json")
    }

    /// The server's resident memory, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    /// CPU time the server has used so far, in clock ticks (user + system).
    pub fn cpu_ticks(&self) -> u64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).expect("/proc stat");
        // Fields after the command name, which is in parentheses: utime and
        // stime are the 12th and 13th of them.
        let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }

    /// Kills the server with SIGKILL: no chance to flush or clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        self.child.wait().expect("wait")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Elements matching a CSS selector.
pub fn select<'a>(html: &'a scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let s = scraper::Selector::parse(selector).expect("selector");
    html.select(&s).collect()
}

/// Text content of an element, whitespace collapsed.
pub fn text(element: &scraper::ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A data directory holding the example sheet, imported through the CLI.
pub fn with_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = savoirs(dir.path(), &["import", example().to_str().expect("path")]);
    assert_success(&output);
    dir
}

/// Titles of the hits of an API search.
pub fn hit_titles(result: &serde_json::Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub const PASSWORD: &str = "un mot de passe assez long";

/// Creates an account through the CLI, the password given on standard input.
pub fn add_user(data: &Path, name: &str, role: &str) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_savoirs"))
        .arg("--data")
        .arg(data)
        .args(["user", "add", name, "--role", role])
        .env_remove("SAVOIRS_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("savoirs user add");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("write password");
    let output = child.wait_with_output().expect("wait");
    assert_success(&output);
}

/// The accounts most tests use: an admin, an editor and two contributors.
pub fn add_team(data: &Path) {
    add_user(data, "ada", "admin");
    add_user(data, "eve", "editor");
    add_user(data, "carl", "contributor");
    add_user(data, "cora", "contributor");
}

/// An API token for `name`, made through the CLI (`savoirs user token`).
pub fn cli_token(data: &Path, name: &str, label: &str) -> String {
    let out = savoirs(data, &["user", "token", name, "--label", label]);
    assert_success(&out);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// Writes JSON Lines and imports them through the CLI.
pub fn import_lines(data: &Path, lines: &[serde_json::Value]) {
    let file = data.with_extension("import.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).expect("write import file");
    let output = savoirs(data, &["import", file.to_str().expect("path")]);
    // Beside the data directory, not in it: nothing else would remove it.
    let _ = std::fs::remove_file(&file);
    assert_success(&output);
}

/// A browser: keeps its session cookie and sends same-origin requests.
pub struct Browser {
    pub base: String,
    cookie: Option<String>,
    client: reqwest::blocking::Client,
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

impl Browser {
    pub fn anonymous(server: &Server) -> Browser {
        Browser {
            base: server.base.clone(),
            cookie: None,
            client: reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
        }
    }

    /// Logs in with [`PASSWORD`]; panics if that fails.
    pub fn login(server: &Server, name: &str) -> Browser {
        let mut b = Browser::anonymous(server);
        let response = b.post(
            "/login",
            &[("name", name), ("password", PASSWORD), ("next", "/")],
        );
        assert_eq!(response.status(), 303, "login as {name}");
        let set = response.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_owned();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Lax"),
            "{set}"
        );
        b.cookie = Some(set.split(';').next().expect("pair").to_owned());
        b
    }

    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    pub fn with_cookie(server: &Server, cookie: &str) -> Browser {
        let mut b = Browser::anonymous(server);
        b.cookie = Some(cookie.to_owned());
        b
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::blocking::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        r
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::blocking::Response {
        self.request(reqwest::Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields))
            .send()
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// POSTs a multipart form: text fields, then a file as `(field, name, bytes)`,
    /// with `extra` headers.
    pub fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
        extra: &[(&str, &str)],
    ) -> reqwest::blocking::Response {
        let (content_type, body) = multipart_body(fields, file);
        let mut r = self
            .request(reqwest::Method::POST, path)
            .header("content-type", content_type);
        for (name, value) in extra {
            r = r.header(*name, *value);
        }
        r.body(body)
            .send()
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// GETs a page that must answer 200.
    pub fn page(&self, path: &str) -> scraper::Html {
        let response = self.get(path);
        assert_eq!(response.status(), 200, "GET {path}");
        scraper::Html::parse_document(&response.text().expect("body"))
    }

    pub fn json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path);
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().expect("json")
    }
}

/// A `multipart/form-data` body and its content type: text fields, then one file.
pub fn multipart_body(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----savoirs-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (field, name, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A fixture file of the attachment tests (`tests/fixtures/files`).
pub fn fixture_file(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/files")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Where a redirect goes.
pub fn location(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// An SMTP server on loopback that accepts every message and keeps it: enough
/// of the protocol (RFC 5321) for a client that sends plain mail.
pub struct SmtpServer {
    pub port: u16,
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().expect("clone");
                    let mut lines = BufReader::new(stream);
                    let mut say = |text: &str| {
                        let _ = out.write_all(format!("{text}\r\n").as_bytes());
                    };
                    say("220 localhost test SMTP");
                    let mut line = String::new();
                    while lines.read_line(&mut line).unwrap_or(0) > 0 {
                        let command = line.trim_end().to_uppercase();
                        if command.starts_with("EHLO") || command.starts_with("HELO") {
                            say("250 localhost");
                        } else if command.starts_with("DATA") {
                            say("354 end with <CRLF>.<CRLF>");
                            let mut message = String::new();
                            let mut data = String::new();
                            while lines.read_line(&mut data).unwrap_or(0) > 0 {
                                if data == ".\r\n" {
                                    break;
                                }
                                message.push_str(&data);
                                data.clear();
                            }
                            kept.lock().expect("messages").push(message);
                            say("250 queued");
                        } else if command.starts_with("QUIT") {
                            say("221 bye");
                            break;
                        } else {
                            say("250 ok");
                        }
                        line.clear();
                    }
                });
            }
        });
        SmtpServer { port, messages }
    }

    /// The `smtp://` address of the server, for `serve --smtp-url`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Waits up to five seconds for `n` messages, and returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let got = self.messages.lock().expect("messages").clone();
            if got.len() >= n || std::time::Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The fields of a page's record form as a browser sends them: text and
/// hidden inputs, text areas, the selected option of each list, and the
/// checked boxes.
pub fn record_form_fields(page: &scraper::Html) -> Vec<(String, String)> {
    select(
        page,
        "form.record input[name], form.record textarea[name], form.record select[name]",
    )
    .iter()
    .filter_map(|e| {
        let name = e.attr("name")?.to_owned();
        let value = match e.value().name() {
            "textarea" => e.text().collect(),
            "select" => select_value(e),
            _ => {
                let checkable = matches!(e.attr("type"), Some("checkbox" | "radio"));
                if checkable && e.attr("checked").is_none() {
                    return None;
                }
                e.attr("value").unwrap_or_default().to_owned()
            }
        };
        Some((name, value))
    })
    .collect()
}

/// The value a `<select>` submits: its selected option, else its first.
pub fn select_value(select: &scraper::ElementRef<'_>) -> String {
    let option = scraper::Selector::parse("option").expect("selector");
    let options: Vec<_> = select.select(&option).collect();
    options
        .iter()
        .find(|o| o.attr("selected").is_some())
        .or(options.first())
        .and_then(|o| o.attr("value"))
        .unwrap_or_default()
        .to_owned()
}
