// SPDX-License-Identifier: GPL-2.0

//! What the modes' transmit functions share (C `bond_dev_queue_xmit()`, `bond_tx_drop()`,
//! `bond_xmit_hash()`); the transmit entry point is `datapath.rs`.

use crate::bond::BondDriver;
use crate::modes::hash;
use crate::safe::netdev::{Dev, SkBuff, TxStatus};
use crate::slave::Slave;
use core::mem::MaybeUninit;

/// C `bond_dev_queue_xmit()`: through the slave's netpoll while netpoll
/// transmits on the bond.
pub(crate) fn queue_xmit(skb: SkBuff, slave: &Slave) -> TxStatus {
    if crate::safe::netpoll::netpoll_tx_running() {
        match slave.np.send(skb) {
            Ok(r) => return TxStatus::Code(r),
            Err(skb) => return TxStatus::Code(skb.queue_xmit(&slave.dev)),
        }
    }
    TxStatus::Code(skb.queue_xmit(&slave.dev))
}

/// C `bond_tx_drop()`.
pub(crate) fn drop_skb(dev: &Dev<BondDriver>, skb: SkBuff) -> TxStatus {
    dev.tx_dropped_inc();
    drop(skb);
    TxStatus::Dropped
}

/// C `bond_xmit_hash()` for `skb`: the policy's own hash, reading only what it uses (the
/// Ethernet header for the layer-2 policies, plus the VLAN tag for vlan+srcmac; the skb hash or
/// the flow dissector's keys for the encap policies; the headers up to the ports for
/// layer2+3/layer3+4), in place when linear as C does, copied only when not.
#[inline]
pub(crate) fn xmit_hash(dev: &Dev<BondDriver>, skb: &SkBuff) -> u32 {
    use crate::modes::XmitHashPolicy as P;
    let policy = dev.private().xmit_policy();
    let mut eth = [MaybeUninit::<u8>::uninit(); hash::ETH_HLEN];
    match policy {
        P::Layer2 => hash::eth_hash_of(eth_header(skb, &mut eth)),
        P::VlanSrcMac => hash::vlan_srcmac_hash_of(eth_header(skb, &mut eth), skb.vlan_tag()),
        P::Encap23 | P::Encap34 => match skb.l4_hash() {
            Some(h) if policy == P::Encap34 => h,
            _ => hash::encap_hash(policy, skb.flow_keys(), || eth_header(skb, &mut eth)),
        },
        P::Layer23 | P::Layer34 => {
            let mut buf = [MaybeUninit::<u8>::uninit(); hash::HASH_HEADER_BYTES];
            let p = hash::Packet {
                data: skb.headers(&mut buf[..hash::header_bytes(policy)]),
                l2_proto: skb.protocol(),
                nhoff: skb.network_offset(),
                vlan_tag: None,
            };
            hash::l3_hash(policy, &p)
        }
    }
}

/// C `bond_xmit_hash_xdp()`: the policy's hash of an XDP packet's linear `data` (from the
/// Ethernet header, no accelerated VLAN tag), 0 if shorter than an Ethernet header.
pub(crate) fn xmit_hash_xdp(dev: &Dev<BondDriver>, data: &[u8]) -> u32 {
    use crate::modes::XmitHashPolicy as P;
    let Some(eth) = data
        .get(..hash::ETH_HLEN)
        .and_then(|e| <&hash::EthHeader>::try_from(e).ok())
    else {
        return 0;
    };
    let policy = dev.private().xmit_policy();
    match policy {
        P::Layer2 => hash::eth_hash_of(Some(eth)),
        P::VlanSrcMac => hash::vlan_srcmac_hash_of(Some(eth), None),
        P::Encap23 | P::Encap34 => {
            let proto = u16::from_ne_bytes([eth[12], eth[13]]);
            let keys = crate::safe::flow::data_flow_keys(dev.net(), data, proto, hash::ETH_HLEN);
            hash::encap_hash(policy, keys, || Some(eth))
        }
        P::Layer23 | P::Layer34 => {
            let p = hash::Packet {
                data,
                l2_proto: u16::from_be_bytes([eth[12], eth[13]]),
                nhoff: hash::ETH_HLEN,
                vlan_tag: None,
            };
            hash::l3_hash(policy, &p)
        }
    }
}

/// The Ethernet header of `skb` (C `bond_pull_data()` for `ETH_HLEN` bytes), `None` if shorter.
#[inline(always)]
fn eth_header<'a>(
    skb: &'a SkBuff,
    buf: &'a mut [MaybeUninit<u8>; hash::ETH_HLEN],
) -> Option<&'a hash::EthHeader> {
    skb.header_at(0, buf)?.try_into().ok()
}
