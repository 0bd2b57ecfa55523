// SPDX-License-Identifier: GPL-2.0

//! Transmit hash policies (C `bond_xmit_hash()` and helpers in
//! `bond_main.c`), bit-identical to C on the same machine.
//!
//! The kernel side hands over the first bytes of the frame (from the MAC
//! header on), the frame's `skb->protocol`, the network header offset and,
//! where C uses them, the skb hash and VLAN tag. For the `encap*` policies C
//! runs the kernel flow dissector; the kernel side does the same and passes
//! the dissected [`FlowKeys`] in, so that only the hash arithmetic lives here.

use super::XmitHashPolicy;

/// `ETH_P_IP`.
pub const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_IPV6`.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// `ETH_HLEN`: the Ethernet header, all the layer-2 hashes read.
pub const ETH_HLEN: usize = 14;
const IPPROTO_ICMP: u8 = 1;
const IPPROTO_ICMPV6: u8 = 58;

/// Bytes of the frame a hash may look at: enough for Ethernet + IPv6 +
/// ICMP + inner IPv6 + ports, or IPv4 with options twice.
pub const HASH_HEADER_BYTES: usize = 192;

/// The flow fields C's hashes use (subset of C `struct flow_keys`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowKeys {
    /// `flow_get_u32_src()`: the IPv4 source (raw, as in memory) or the
    /// IPv6 source folded by `ipv6_addr_hash()`; 0 without addresses.
    pub src: u32,
    /// `flow_get_u32_dst()`.
    pub dst: u32,
    /// `flow.ports.ports` read as a native-endian `u32` (C `memcpy`).
    pub ports: u32,
    /// `flow.icmp` (type, code, id) read as a native-endian `u32`.
    pub icmp: u32,
    /// `flow.icmp.id`.
    pub icmp_id: u16,
}

/// The packet as C's hash functions see it.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    /// The frame from the MAC header (`skb->data` at xmit), possibly
    /// truncated to [`HASH_HEADER_BYTES`] (C would pull further).
    pub data: &'a [u8],
    /// `skb->protocol`, host order.
    pub l2_proto: u16,
    /// `skb_network_offset(skb)`.
    pub nhoff: usize,
    /// `skb_vlan_tag_get(skb)` if a tag is present (accelerated VLAN).
    pub vlan_tag: Option<u16>,
}

fn bytes<const N: usize>(d: &[u8], off: usize) -> Option<[u8; N]> {
    d.get(off..off.checked_add(N)?)?.try_into().ok()
}

fn ne_u32(d: &[u8], off: usize) -> Option<u32> {
    bytes::<4>(d, off).map(u32::from_ne_bytes)
}

/// A frame's Ethernet header (C `struct ethhdr`).
pub type EthHeader = [u8; ETH_HLEN];

/// The Ethernet header at the start of `data`; `None` if `data` is shorter.
#[inline]
pub fn eth_header(data: &[u8]) -> Option<&EthHeader> {
    data.get(..ETH_HLEN)?.try_into().ok()
}

/// C `bond_eth_hash()` of a frame's Ethernet header (`None`: the frame is shorter, C's 0).
#[inline]
pub fn eth_hash_of(eth: Option<&EthHeader>) -> u32 {
    let Some(h) = eth else {
        return 0;
    };
    u32::from(h[5] ^ h[11]) ^ u32::from(u16::from_be_bytes([h[12], h[13]]))
}

/// C `bond_eth_hash()`.
pub fn eth_hash(p: &Packet<'_>) -> u32 {
    eth_hash_of(eth_header(p.data))
}

/// C `bond_vlan_srcmac_hash()` of a frame's Ethernet header and accelerated VLAN tag.
#[inline]
pub fn vlan_srcmac_hash_of(eth: Option<&EthHeader>, vlan_tag: Option<u16>) -> u32 {
    let Some(h) = eth else {
        return 0;
    };
    let vendor = u32::from_be_bytes([0, h[6], h[7], h[8]]);
    let dev = u32::from_be_bytes([0, h[9], h[10], h[11]]);
    u32::from(vlan_tag.unwrap_or(0)) ^ vendor ^ dev
}

/// C `bond_vlan_srcmac_hash()`.
pub fn vlan_srcmac_hash(p: &Packet<'_>) -> u32 {
    vlan_srcmac_hash_of(eth_header(p.data), p.vlan_tag)
}

/// C `proto_ports_offset()`.
const fn ports_offset(proto: u8) -> Option<usize> {
    match proto {
        // TCP, UDP, DCCP, ESP, SCTP, UDPLITE
        6 | 17 | 33 | 50 | 132 | 136 => Some(0),
        // AH
        51 => Some(4),
        _ => None,
    }
}

/// Folds an IPv6 address like C `ipv6_addr_hash()` (equal to the XOR of its
/// four native-endian words on every configuration).
fn ipv6_fold(d: &[u8], off: usize) -> Option<u32> {
    let mut h = 0;
    for i in 0..4 {
        h ^= ne_u32(d, off + 4 * i)?;
    }
    Some(h)
}

/// C `bond_flow_ip()`: addresses (and ports for layer3+4) at `*nhoff`;
/// advances `*nhoff` past the IP header. `None` if not IP or truncated.
fn flow_ip(p: &Packet<'_>, fk: &mut FlowKeys, nhoff: &mut usize, l34: bool) -> Option<Option<u8>> {
    let d = p.data;
    let proto;
    match p.l2_proto {
        ETH_P_IP => {
            let h = bytes::<20>(d, *nhoff)?;
            fk.src = u32::from_ne_bytes([h[12], h[13], h[14], h[15]]);
            fk.dst = u32::from_ne_bytes([h[16], h[17], h[18], h[19]]);
            let frag = u16::from_be_bytes([h[6], h[7]]) & 0x3fff;
            *nhoff += usize::from(h[0] & 0x0f) << 2;
            proto = if frag != 0 { None } else { Some(h[9]) };
        }
        ETH_P_IPV6 => {
            let h = bytes::<40>(d, *nhoff)?;
            fk.src = ipv6_fold(&h, 8)?;
            fk.dst = ipv6_fold(&h, 24)?;
            *nhoff += 40;
            proto = Some(h[6]);
        }
        _ => return None,
    }
    if l34 {
        if let Some(pr) = proto {
            // C skb_flow_get_ports(): 0 if no ports or truncated.
            fk.ports = ports_offset(pr)
                .and_then(|po| ne_u32(d, *nhoff + po))
                .unwrap_or(0);
        }
    }
    Some(proto)
}

const fn icmp_has_id(ty: u8) -> bool {
    // ICMP_ECHOREPLY, ICMP_ECHO, TIMESTAMP, TIMESTAMPREPLY, ICMPV6 echo.
    matches!(ty, 0 | 8 | 13 | 14 | 128 | 129)
}

const fn icmp_is_err(ty: u8) -> bool {
    // DEST_UNREACH, SOURCE_QUENCH, REDIRECT, TIME_EXCEEDED, PARAMETERPROB
    matches!(ty, 3 | 4 | 5 | 11 | 12)
}

const fn icmpv6_is_err(ty: u8) -> bool {
    ty < 128
}

/// C `bond_flow_dissect()` for the non-encap policies.
fn flow_dissect(p: &Packet<'_>, l34: bool) -> Option<FlowKeys> {
    let mut fk = FlowKeys::default();
    let mut nhoff = p.nhoff;
    let proto = flow_ip(p, &mut fk, &mut nhoff, l34)?;
    if let Some(pr @ (IPPROTO_ICMP | IPPROTO_ICMPV6)) = proto {
        // C skb_flow_get_icmp_tci(): leaves the key zero if truncated.
        if let Some(ih) = bytes::<8>(p.data, nhoff) {
            let id = if icmp_has_id(ih[0]) {
                match u16::from_be_bytes([ih[4], ih[5]]) {
                    0 => 1,
                    id => id,
                }
            } else {
                0
            };
            let idb = id.to_ne_bytes();
            fk.icmp = u32::from_ne_bytes([ih[0], ih[1], idb[0], idb[1]]);
            fk.icmp_id = id;
            let err = if pr == IPPROTO_ICMP {
                icmp_is_err(ih[0])
            } else {
                icmpv6_is_err(ih[0])
            };
            if !err {
                return Some(fk);
            }
        } else {
            // Type 0 is "echo reply" for ICMP (not an error) and an error
            // for ICMPv6 (< 128), exactly as C reads the zeroed key.
            if pr == IPPROTO_ICMP || !icmpv6_is_err(0) {
                return Some(fk);
            }
        }
        nhoff += 8;
        flow_ip(p, &mut fk, &mut nhoff, l34)?;
    }
    Some(fk)
}

/// C `bond_ip_hash()`.
fn ip_hash(mut hash: u32, fk: &FlowKeys, policy: XmitHashPolicy) -> u32 {
    hash ^= fk.dst ^ fk.src;
    hash ^= hash >> 16;
    hash ^= hash >> 8;
    if matches!(policy, XmitHashPolicy::Layer34 | XmitHashPolicy::Encap34) {
        hash >> 1
    } else {
        hash
    }
}

/// The hash of the flow keys `fk` (C `__bond_xmit_hash()` after a successful dissection):
/// the Ethernet hash for the 2+3 policies, else the ICMP id or the ports, then the addresses.
#[inline]
fn flow_hash(policy: XmitHashPolicy, fk: &FlowKeys, eth: impl FnOnce() -> u32) -> u32 {
    let hash = match policy {
        XmitHashPolicy::Layer23 | XmitHashPolicy::Encap23 => eth(),
        _ if fk.icmp_id != 0 => fk.icmp,
        _ => fk.ports,
    };
    ip_hash(hash, fk, policy)
}

/// The `layer2+3` and `layer3+4` policies: the headers of `p` parsed here (C
/// `bond_flow_dissect()`), the Ethernet hash when they are not IP.
pub fn l3_hash(policy: XmitHashPolicy, p: &Packet<'_>) -> u32 {
    match flow_dissect(p, policy == XmitHashPolicy::Layer34) {
        Some(fk) => flow_hash(policy, &fk, || eth_hash(p)),
        None => eth_hash(p),
    }
}

/// The `encap2+3` and `encap3+4` policies with the keys of the kernel flow dissector (`None`:
/// the dissection failed); `eth` reads the Ethernet header, only when the hash needs it.
/// (encap3+4 with `skb->l4_hash` set is `skb->hash`, before any of this: [`xmit_hash`].)
#[inline]
pub fn encap_hash<'a>(
    policy: XmitHashPolicy,
    keys: Option<FlowKeys>,
    eth: impl FnOnce() -> Option<&'a EthHeader>,
) -> u32 {
    match keys {
        Some(fk) => flow_hash(policy, &fk, || eth_hash_of(eth())),
        None => eth_hash_of(eth()),
    }
}

/// C `__bond_xmit_hash()` / `bond_xmit_hash()`: each policy's hash of the packet `p`.
///
/// `encap_keys` is what the kernel flow dissector returned for the `encap*`
/// policies (`None`: dissection failed); ignored for the other policies.
/// `l4_hash` is `skb->hash` if `skb->l4_hash` is set. The kernel side calls the policy's own
/// function directly ([`eth_hash_of`], [`vlan_srcmac_hash_of`], [`l3_hash`], [`encap_hash`]),
/// reading only what that policy needs.
pub fn xmit_hash(
    policy: XmitHashPolicy,
    p: &Packet<'_>,
    encap_keys: Option<FlowKeys>,
    l4_hash: Option<u32>,
) -> u32 {
    match policy {
        XmitHashPolicy::Layer2 => eth_hash(p),
        XmitHashPolicy::VlanSrcMac => vlan_srcmac_hash(p),
        XmitHashPolicy::Layer23 | XmitHashPolicy::Layer34 => l3_hash(policy, p),
        XmitHashPolicy::Encap23 | XmitHashPolicy::Encap34 => match l4_hash {
            Some(h) if policy == XmitHashPolicy::Encap34 => h,
            _ => encap_hash(policy, encap_keys, || eth_header(p.data)),
        },
    }
}

/// How many bytes of the frame `policy` reads (the window the kernel side hands over): the
/// Ethernet header for the layer-2 policies (and the encap ones, whose L3/L4 keys come from the
/// dissector), [`HASH_HEADER_BYTES`] for layer2+3 and layer3+4.
pub const fn header_bytes(policy: XmitHashPolicy) -> usize {
    match policy {
        XmitHashPolicy::Layer23 | XmitHashPolicy::Layer34 => HASH_HEADER_BYTES,
        _ => ETH_HLEN,
    }
}

/// What C `bond_sk_to_flow()` reads of a socket (`ndo_sk_get_lower_dev`, kTLS device offload):
/// the addresses and ports as they are in memory (network byte order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockAddrs {
    /// `sk->sk_family == AF_INET6` (with IPv6 built in).
    pub inet6: bool,
    /// `ipv6_only_sock(sk)`.
    pub v6only: bool,
    /// `inet_sk(sk)->inet_rcv_saddr`.
    pub v4_src: [u8; 4],
    /// `inet_sk(sk)->inet_daddr`.
    pub v4_dst: [u8; 4],
    /// `inet6_sk(sk)->saddr`.
    pub v6_src: [u8; 16],
    /// `sk->sk_v6_daddr`.
    pub v6_dst: [u8; 16],
    /// `inet_sk(sk)->inet_sport`.
    pub sport: [u8; 2],
    /// `inet_sk(sk)->inet_dport`.
    pub dport: [u8; 2],
}

/// C `ipv6_addr_type(a) == IPV6_ADDR_MAPPED`: `::ffff:a.b.c.d`.
pub fn ipv6_is_v4_mapped(a: &[u8; 16]) -> bool {
    a[..10].iter().all(|&b| b == 0) && a[10] == 0xff && a[11] == 0xff
}

/// C `bond_sk_to_flow()`: an IPv6 socket's IPv6 addresses, unless it talks IPv4 through a
/// v4-mapped peer address; every other socket's IPv4 addresses; the ports.
pub fn sk_flow_keys(s: &SockAddrs) -> FlowKeys {
    let (src, dst) = if s.inet6 && (s.v6only || !ipv6_is_v4_mapped(&s.v6_dst)) {
        (
            ipv6_fold(&s.v6_src, 0).unwrap_or(0),
            ipv6_fold(&s.v6_dst, 0).unwrap_or(0),
        )
    } else {
        (u32::from_ne_bytes(s.v4_src), u32::from_ne_bytes(s.v4_dst))
    };
    let [s0, s1] = s.sport;
    let [d0, d1] = s.dport;
    FlowKeys {
        src,
        dst,
        ports: u32::from_ne_bytes([s0, s1, d0, d1]),
        ..FlowKeys::default()
    }
}

/// C `bond_sk_hash_l34()`: the layer3+4 hash of a socket's flow (its ports, then its addresses).
pub fn sk_hash_l34(s: &SockAddrs) -> u32 {
    let fk = sk_flow_keys(s);
    ip_hash(fk.ports, &fk, XmitHashPolicy::Layer34)
}
