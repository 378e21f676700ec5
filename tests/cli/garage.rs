//! Real Garage nodes for the replica tests: each on 127.0.0.1 with ports the test picked,
//! its own data and metadata directories in a temporary directory, set up with Garage's own
//! command line (layout, buckets, keys), and stopped by process id when the test ends.
#![allow(dead_code)]
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `garage` program: on the PATH, or where `cargo install` puts it.
pub fn program() -> PathBuf {
    if let Some(p) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("garage"))
            .find(|p| p.is_file())
    }) {
        return p;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("a home directory");
    let p = home.join("bin/garage");
    assert!(
        p.is_file(),
        "the replica tests need Garage: `cargo install garage --version 2.5.0 --locked` (.ci/run does)"
    );
    p
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One Garage node.
pub struct Node {
    pub dir: PathBuf,
    pub conf: PathBuf,
    pub s3: u16,
    pub rpc: u16,
    pub id: String,
    child: Option<Child>,
}

impl Node {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3)
    }

    fn start(&mut self) {
        let log = fs::File::create(self.dir.join("server.log")).unwrap();
        let child = Command::new(program())
            .arg("-c")
            .arg(&self.conf)
            .arg("server")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("starting garage");
        self.child = Some(child);
        wait_for_port(self.rpc);
        wait_for_port(self.s3);
    }

    /// Kills the node at once (SIGKILL), as a crash or a pulled cable would.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.start();
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "garage did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A cluster of Garage nodes with a replication factor of its size.
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub dir: tempfile::TempDir,
}

/// An access key: its id and a file holding its secret.
pub struct Key {
    pub id: String,
    pub secret: String,
    pub secret_file: PathBuf,
}

impl Cluster {
    /// Starts `n` nodes, connects them, and applies a layout with every node in it.
    pub fn start(n: usize) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let secret = hex(32);
        let mut nodes: Vec<Node> = (0..n)
            .map(|i| {
                let d = dir.path().join(format!("node{i}"));
                fs::create_dir_all(&d).unwrap();
                let (s3, rpc) = (free_port(), free_port());
                let conf = d.join("garage.toml");
                fs::write(
                    &conf,
                    format!(
                        "metadata_dir = \"{m}\"\ndata_dir = \"{data}\"\ndb_engine = \"sqlite\"\n\
                         replication_factor = {n}\ncompression_level = \"none\"\n\
                         rpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\n\
                         rpc_secret = \"{secret}\"\n\n[s3_api]\ns3_region = \"garage\"\n\
                         api_bind_addr = \"127.0.0.1:{s3}\"\nroot_domain = \".s3.garage.localhost\"\n",
                        m = d.join("meta").display(),
                        data = d.join("data").display(),
                    ),
                )
                .unwrap();
                Node {
                    dir: d,
                    conf,
                    s3,
                    rpc,
                    id: String::new(),
                    child: None,
                }
            })
            .collect();
        for node in &mut nodes {
            node.start();
            let out = garage(&node.conf, &["node", "id", "-q"]);
            node.id = stdout(&out).trim().to_owned();
        }
        let c = Cluster { nodes, dir };
        for other in &c.nodes[1..] {
            c.admin(&["node", "connect", &other.id]);
        }
        for (i, node) in c.nodes.iter().enumerate() {
            let short = &node.id[..16];
            c.admin(&[
                "layout",
                "assign",
                "-z",
                &format!("dc{i}"),
                "-c",
                "1G",
                short,
            ]);
        }
        c.admin(&["layout", "apply", "--version", "1"]);
        c
    }

    /// Runs `garage` against the first node that is running; asserts success.
    pub fn admin(&self, args: &[&str]) -> String {
        let node = self
            .nodes
            .iter()
            .find(|n| n.is_running())
            .expect("a running node");
        let start = Instant::now();
        loop {
            let out = garage(&node.conf, args);
            if out.status.success() {
                return stdout(&out);
            }
            // A cluster that has just started may still be connecting its nodes.
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "garage {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    pub fn endpoint(&self) -> String {
        self.nodes[0].endpoint()
    }

    /// Reconnects the nodes (after restarts) and waits until every node sees every other.
    pub fn wait_healthy(&self) {
        let start = Instant::now();
        loop {
            for other in &self.nodes[1..] {
                let _ = garage(&self.nodes[0].conf, &["node", "connect", &other.id]);
            }
            let s = self.admin(&["status"]);
            if !s.contains("FAILED") && !s.contains("unavailable") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "never healthy: {s}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    pub fn bucket(&self, name: &str) {
        self.admin(&["bucket", "create", name]);
    }

    /// A new key with `perms` (`--read`, `--write`, `--owner`) on each bucket given.
    pub fn key(&self, name: &str, grants: &[(&str, &[&str])]) -> Key {
        let out = self.admin(&["key", "create", name]);
        let field = |label: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(label))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| panic!("no {label} in {out}"))
        };
        let (id, secret) = (field("Key ID:"), field("Secret key:"));
        for (bucket, perms) in grants {
            let mut a = vec!["bucket", "allow"];
            a.extend_from_slice(perms);
            a.extend([*bucket, "--key", name]);
            self.admin(&a);
        }
        let secret_file = self.dir.path().join(format!("{name}.secret"));
        fs::write(&secret_file, format!("{secret}\n")).unwrap();
        Key {
            id,
            secret,
            secret_file,
        }
    }

    /// Every file of every node's data and metadata directories.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for n in &self.nodes {
            collect(&n.dir.join("data"), &mut out);
            collect(&n.dir.join("meta"), &mut out);
        }
        out
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn garage(conf: &Path, args: &[&str]) -> Output {
    Command::new(program())
        .arg("-c")
        .arg(conf)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn getrandom(b: &mut [u8]) {
    use std::io::Read;
    fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(b)
        .unwrap();
}
