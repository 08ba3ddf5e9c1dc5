//! Where a webhook may be delivered. A partner types a URL; the server then makes requests to it,
//! so a URL naming the server's own network (loopback, private ranges, link-local addresses such
//! as a cloud's metadata service at 169.254.169.254) would let a partner probe what only the
//! server can reach. Such addresses are refused at registration and, because a name's DNS can
//! change after it was checked (rebinding), again at every delivery on the addresses the name
//! resolves to then — the very addresses the request connects to (see `delivery::Resolver`).
//!
//! Tests and demos deliver to a receiver on this machine: the `allow_private` setting
//! (`CLOUDMARKET_WEBHOOKS_ALLOW_PRIVATE`) turns these checks off and accepts plain `http://` too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::Url;

use crate::i18n::Say;

/// The longest URL accepted (the column's limit).
pub const MAX_URL_LEN: usize = 2048;

/// An endpoint URL that passed every check that needs no network: absolute, `https` (or `http`
/// where private addresses are allowed), a host, no credentials; its fragment dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointUrl(Url);

impl EndpointUrl {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The URL as typed, checked; the message for the `url` field otherwise. An IP address in
    /// the URL is checked here; a name is checked by [`check_resolved`].
    pub fn parse(raw: &str, allow_private: bool) -> Result<Self, Say> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Say::WebhookUrlInvalid);
        }
        if raw.chars().count() > MAX_URL_LEN {
            return Err(Say::WebhookUrlTooLong { max: MAX_URL_LEN });
        }
        let mut url = Url::parse(raw).map_err(|_| Say::WebhookUrlInvalid)?;
        match url.scheme() {
            "https" => {}
            "http" if allow_private => {}
            "http" => return Err(Say::WebhookUrlHttps),
            _ => return Err(Say::WebhookUrlInvalid),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Say::WebhookUrlCredentials);
        }
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or(Say::WebhookUrlInvalid)?.to_owned();
        if !allow_private {
            if let Some(ip) = literal_ip(&url)
                && !is_public(ip)
            {
                return Err(Say::WebhookUrlPrivate { host });
            }
            if is_local_name(&host) {
                return Err(Say::WebhookUrlPrivate { host });
            }
        }
        url.set_fragment(None);
        if url.as_str().len() > MAX_URL_LEN {
            return Err(Say::WebhookUrlTooLong { max: MAX_URL_LEN });
        }
        Ok(Self(url))
    }

    /// The address in the URL when it is one (`https://10.0.0.1/`, `https://[::1]/`).
    pub fn literal_ip(&self) -> Option<IpAddr> {
        literal_ip(&self.0)
    }
}

fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    }
}

/// Names that always mean this machine or its network, whatever DNS says.
fn is_local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost"
        || [".localhost", ".local", ".localdomain", ".internal", ".home.arpa"].iter().any(|s| host.ends_with(s))
}

/// At registration, for a URL naming a host: the addresses its name resolves to now must all be
/// public. (At delivery the resolver checks again.)
pub async fn check_resolved(url: &EndpointUrl, allow_private: bool) -> Result<(), Say> {
    if allow_private || url.literal_ip().is_some() {
        return Ok(());
    }
    let host = url.url().host_str().unwrap_or_default().to_owned();
    let port = url.url().port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((host.clone(), port));
    let addresses = match tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await {
        Ok(Ok(addresses)) => addresses.map(|a| a.ip()).collect::<Vec<_>>(),
        _ => return Err(Say::WebhookUrlUnresolvable { host }),
    };
    if addresses.is_empty() {
        return Err(Say::WebhookUrlUnresolvable { host });
    }
    match addresses.into_iter().find(|ip| !is_public(*ip)) {
        Some(_) => Err(Say::WebhookUrlPrivate { host }),
        None => Ok(()),
    }
}

/// Whether an address is on the public internet: not loopback, private, shared (CGNAT),
/// link-local, multicast, broadcast, reserved or documentation space, in IPv4 or IPv6, nor an
/// IPv6 address that embeds such an IPv4 one (mapped, NAT64, 6to4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let blocked = a == 0                                   // "this network"
        || a == 10                                         // private
        || a == 127                                        // loopback
        || (a == 100 && (64..128).contains(&b))            // shared address space (CGNAT)
        || (a == 169 && b == 254)                          // link-local (cloud metadata)
        || (a == 172 && (16..32).contains(&b))             // private
        || (a == 192 && b == 0 && c == 0)                  // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)                  // documentation
        || (a == 192 && b == 88 && c == 99)                // 6to4 relay anycast
        || (a == 192 && b == 168)                          // private
        || (a == 198 && (b == 18 || b == 19))              // benchmarking
        || (a == 198 && b == 51 && c == 100)               // documentation
        || (a == 203 && b == 0 && c == 113)                // documentation
        || a >= 224; // multicast, reserved, broadcast
    !blocked
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded_v4 = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_public_v4(embedded_v4(segments[6], segments[7]));
    }
    // 6to4 (2002::/16) reaches the IPv4 address in bits 16..48.
    if segments[0] == 0x2002 {
        return is_public_v4(embedded_v4(segments[1], segments[2]));
    }
    // Global unicast is 2000::/3; inside it, documentation (2001:db8::/32) and the IETF
    // protocol block's Teredo and ORCHID ranges (2001::/23) are not places to deliver to.
    let global = (segments[0] & 0xe000) == 0x2000;
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8;
    let protocol_block = segments[0] == 0x2001 && segments[1] < 0x0200;
    global && !documentation && !protocol_block
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str) -> Say {
        EndpointUrl::parse(raw, false).expect_err(raw)
    }

    #[test]
    fn public_https_urls_pass_and_lose_their_fragment() {
        let url = EndpointUrl::parse(" https://hooks.partner.example/cloudmarket?x=1#frag ", false).unwrap();
        assert_eq!(url.as_str(), "https://hooks.partner.example/cloudmarket?x=1");
        assert!(EndpointUrl::parse("https://8.8.8.8/hook", false).is_ok());
        assert!(EndpointUrl::parse("https://[2606:4700:4700::1111]/hook", false).is_ok());
    }

    #[test]
    fn what_is_not_an_https_url_is_refused_at_the_field() {
        assert_eq!(refused(""), Say::WebhookUrlInvalid);
        assert_eq!(refused("hooks.partner.example"), Say::WebhookUrlInvalid);
        assert_eq!(refused("ftp://hooks.partner.example/"), Say::WebhookUrlInvalid);
        assert_eq!(refused("javascript:alert(1)"), Say::WebhookUrlInvalid);
        assert_eq!(refused("http://hooks.partner.example/"), Say::WebhookUrlHttps);
        assert_eq!(refused("https://user:pass@hooks.partner.example/"), Say::WebhookUrlCredentials);
        assert_eq!(refused(&format!("https://a.example/{}", "x".repeat(3000))), Say::WebhookUrlTooLong { max: 2048 });
    }

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused_however_written() {
        for raw in [
            "https://127.0.0.1/",
            "https://127.1.2.3:8443/hook",
            "https://2130706433/",
            "https://0x7f.0.0.1/",
            "https://0.0.0.0/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.10/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://[::1]/",
            "https://[::]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/",
            "https://localhost/",
            "https://LOCALHOST./",
            "https://api.localhost/",
            "https://printer.local/",
            "https://metadata.google.internal/",
        ] {
            assert!(matches!(refused(raw), Say::WebhookUrlPrivate { .. }), "{raw} must be refused");
        }
    }

    #[test]
    fn the_setting_lets_tests_and_demos_use_a_local_receiver() {
        assert_eq!(
            EndpointUrl::parse("http://127.0.0.1:9000/hook", true).unwrap().as_str(),
            "http://127.0.0.1:9000/hook"
        );
        assert!(EndpointUrl::parse("https://localhost/", true).is_ok());
        // Still a URL, still no credentials.
        assert_eq!(EndpointUrl::parse("ftp://127.0.0.1/", true), Err(Say::WebhookUrlInvalid));
        assert_eq!(EndpointUrl::parse("http://u:p@127.0.0.1/", true), Err(Say::WebhookUrlCredentials));
    }

    #[test]
    fn public_means_routable_on_the_internet() {
        for ip in ["8.8.8.8", "1.1.1.1", "203.0.114.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.0.1",
            "100.127.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "::1",
            "fc00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:192.168.0.1",
            "64:ff9b::7f00:1",
            "2001::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_name_is_checked_on_what_it_resolves_to() {
        // localhost resolves without DNS (the hosts file); with the setting on nothing is resolved.
        let url = EndpointUrl(Url::parse("https://localhost/").unwrap());
        assert!(matches!(check_resolved(&url, false).await, Err(Say::WebhookUrlPrivate { .. })));
        assert_eq!(check_resolved(&url, true).await, Ok(()));
    }
}
