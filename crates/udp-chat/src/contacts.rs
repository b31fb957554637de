//! The contact book: who the client can talk to, and where each one's server
//! listens. Not a socket step, but the client's first decision.
//!
//! The default is seed 002's `qq_name_dic`, one server per person on ports
//! 8081-8084. (Seed 001's version points all three names at port 8081, so
//! every "person" is the same server; give each contact its own port.)
//! `--contact NAME=HOST:PORT`, repeated, replaces the whole book.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::str::FromStr;

use common::{advice, args::host_port};

/// One person in the book and the address of their server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The name typed to choose this contact, e.g. `张三`.
    pub name: String,
    /// Where this contact's server receives datagrams.
    pub addr: SocketAddr,
}

impl fmt::Display for Contact {
    /// `张三 [127.0.0.1:8081]`: who, and where they are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.name, self.addr)
    }
}

/// A `--contact NAME=HOST:PORT` argument as typed, before the host is
/// looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactArg {
    /// The contact's name.
    pub name: String,
    /// Host name or IP address (an IPv6 address in brackets: `[::1]:8081`).
    pub host: String,
    /// The port the contact's server listens on.
    pub port: u16,
}

impl FromStr for ContactArg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "expected NAME=HOST:PORT, e.g. 张三=127.0.0.1:8081";
        let (name, addr) = text.split_once('=').ok_or(usage)?;
        let (host, port) = addr.rsplit_once(':').ok_or(usage)?;
        let name = name.trim();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if name.is_empty() || host.is_empty() {
            return Err(format!("the name and the host cannot be empty; {usage}"));
        }
        let port = match port.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => return Err(format!("{port:?} is not a port (1-65535); {usage}")),
        };
        Ok(ContactArg {
            name: name.to_string(),
            host: host.to_string(),
            port,
        })
    }
}

/// The names the client knows, in the order they were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactBook {
    contacts: Vec<Contact>,
}

impl ContactBook {
    // ANCHOR: contacts
    /// 2. The tutorial's book: one server per person, ports 8081-8084.
    pub fn tutorial() -> Self {
        let book = [
            ("张三", 8081),
            ("李四", 8082),
            ("王五", 8083),
            ("赵六", 8084),
        ];
        let contacts = book
            .into_iter()
            .map(|(name, port)| Contact {
                name: name.to_string(),
                addr: ([127, 0, 0, 1], port).into(),
            })
            .collect();
        ContactBook { contacts }
    }
    // ANCHOR_END: contacts

    /// The book given with `--contact`: each host is looked up now, so a
    /// mistake is reported before the chat starts. A name given twice is
    /// an error rather than a silent overwrite.
    pub fn from_args(args: &[ContactArg]) -> anyhow::Result<Self> {
        let mut contacts: Vec<Contact> = Vec::new();
        for arg in args {
            if contacts.iter().any(|c| c.name == arg.name) {
                anyhow::bail!("contact {} is given twice with --contact", arg.name);
            }
            let shown = host_port(&arg.host, arg.port);
            let addrs: Vec<SocketAddr> = (arg.host.as_str(), arg.port)
                .to_socket_addrs()
                .map_err(|e| {
                    anyhow::anyhow!(
                        "contact {}: cannot look up {shown}: {}; check the host, or use 127.0.0.1",
                        arg.name,
                        advice::explain(&e)
                    )
                })?
                .collect();
            // IPv4 first: the servers listen on 127.0.0.1 unless told
            // otherwise, and `localhost` may resolve to ::1 first.
            let addr = addrs
                .iter()
                .find(|a| a.is_ipv4())
                .or(addrs.first())
                .copied()
                .ok_or_else(|| anyhow::anyhow!("contact {}: {shown} has no address", arg.name))?;
            contacts.push(Contact {
                name: arg.name.clone(),
                addr,
            });
        }
        if contacts.is_empty() {
            anyhow::bail!("the contact book is empty");
        }
        Ok(ContactBook { contacts })
    }

    /// The contact called `name`, if there is one.
    pub fn find(&self, name: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.name == name)
    }

    /// The contact whose server is at `addr`: who sent an answer.
    pub fn at(&self, addr: SocketAddr) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.addr == addr)
    }

    /// All names, comma separated: `张三, 李四, 王五, 赵六`.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.contacts.iter().map(|c| c.name.as_str()).collect();
        names.join(", ")
    }

    /// Every contact, in order.
    pub fn contacts(&self) -> &[Contact] {
        &self.contacts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_book() {
        let book = ContactBook::tutorial();
        assert_eq!(book.names(), "张三, 李四, 王五, 赵六");
        assert_eq!(
            book.find("李四").unwrap().addr,
            "127.0.0.1:8082".parse().unwrap()
        );
        assert_eq!(
            book.find("赵六").unwrap().to_string(),
            "赵六 [127.0.0.1:8084]"
        );
        assert_eq!(
            book.at("127.0.0.1:8083".parse().unwrap()).unwrap().name,
            "王五"
        );
        assert!(book.find("老王").is_none());
    }

    #[test]
    fn parses_contact_arguments() {
        let arg: ContactArg = "张三=127.0.0.1:9001".parse().unwrap();
        assert_eq!(
            arg,
            ContactArg {
                name: "张三".into(),
                host: "127.0.0.1".into(),
                port: 9001
            }
        );
        let v6: ContactArg = "six=[::1]:80".parse().unwrap();
        assert_eq!((v6.host.as_str(), v6.port), ("::1", 80));
    }

    #[test]
    fn malformed_contacts_say_what_is_expected() {
        for bad in [
            "张三",
            "张三=127.0.0.1",
            "=127.0.0.1:1",
            "x=:1",
            "x=h:0",
            "x=h:99999",
            "x=h:p",
        ] {
            let err = bad.parse::<ContactArg>().unwrap_err();
            assert!(err.contains("expected NAME=HOST:PORT"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_book_from_arguments() {
        let args: Vec<ContactArg> = ["a=127.0.0.1:1", "b=localhost:2"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        let book = ContactBook::from_args(&args).unwrap();
        assert_eq!(book.names(), "a, b");
        assert_eq!(book.find("b").unwrap().addr.port(), 2);

        let twice = [args[0].clone(), args[0].clone()];
        let err = ContactBook::from_args(&twice).unwrap_err().to_string();
        assert!(err.contains("given twice"), "{err}");
    }
}
