// SPDX-License-Identifier: GPL-2.0

//! The bond's rtnetlink interface (C `bond_netlink.c`): `changelink`/`newlink` attributes in
//! C's order, `slave_changelink`, `fill_info`/`fill_slave_info` with their size functions, and
//! the `LINK_XSTATS_TYPE_BOND` statistics. Setting goes through [`crate::options::opt_set`].

use crate::bindings;
use crate::bond::BondDriver;
use crate::dev_pr;
use crate::netlink::ifla;
use crate::netlink::options::OptionId;
use crate::options::{opt_set, Val};
use crate::params::MAX_TARGETS;
use crate::safe::link::{Attr, ExtAck, LinkData, NlMsg};
use crate::safe::netdev::{Dev, NetDevice};
use crate::safe::rtnl::Rtnl;
use crate::safe::skb::{has_rx_data, rx_data};
use crate::slave::Slave;
use kernel::prelude::*;

/// The loop of C `bond_changelink()` over `IFLA_BOND_ARP_IP_TARGET` or
/// `IFLA_BOND_NS_IP6_TARGET` (the list was just cleared): the targets are set in turn, and the
/// first one refused ends the list, after the warning C gives when no target was set while the
/// ARP monitor is on. A payload shorter than `len` is refused at once (with `short` as the
/// extack message, if any).
fn set_targets<'a>(
    dev: &Dev<BondDriver>,
    a: &Attr<'a>,
    id: OptionId,
    (len, short): (usize, Option<&str>),
    val: impl Fn(&'a [u8]) -> Val<'a>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    let mut n = 0;
    let mut res = Ok(());
    for (_, payload) in a.nested() {
        if payload.len() < len {
            if let Some(m) = short {
                extack.set_msg(format_args!("{m}"));
            }
            return Err(EINVAL);
        }
        res = opt_set(dev, id, val(payload), Some(a), extack, rtnl);
        if res.is_err() {
            break;
        }
        n += 1;
    }
    if n == 0 && dev.private().params(rtnl).arp_interval != 0 {
        let what = if id == OptionId::NsTargets {
            "ns"
        } else {
            "arp"
        };
        dev_pr!(
            Warning,
            dev,
            "Removing last {} target with arp_interval on\n",
            what
        );
    }
    res
}

/// C `bond_changelink()`.
pub(crate) fn changelink(
    dev: &Dev<BondDriver>,
    data: &LinkData<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    use ifla::*;
    let get = |t: u16| data.get(u32::from(t));
    let mut miimon = 0u32;
    let set_num = |id: OptionId, a: &Attr<'_>, v: u64, extack: &mut ExtAck<'_>| -> Result {
        opt_set(dev, id, Val::Num(v), Some(a), extack, rtnl)
    };

    if let Some(a) = get(IFLA_BOND_MODE) {
        set_num(OptionId::Mode, &a, u64::from(a.u8()), extack)?;
    }
    if let Some(a) = get(IFLA_BOND_ACTIVE_SLAVE) {
        let ifindex = a.u32() as i32;
        let mut name = [0u8; 16];
        if ifindex != 0 {
            let sdev = dev.peer_by_index(ifindex, rtnl).ok_or(ENODEV)?;
            let nm = sdev.name(rtnl).to_bytes();
            name[..nm.len()].copy_from_slice(nm);
        }
        let n = name.iter().position(|&c| c == 0).unwrap_or(16);
        opt_set(
            dev,
            OptionId::ActiveSlave,
            Val::Str(&name[..n]),
            Some(&a),
            extack,
            rtnl,
        )?;
    }
    if let Some(a) = get(IFLA_BOND_MIIMON) {
        miimon = a.u32();
        set_num(OptionId::MiiMon, &a, changelink_u32_value(miimon), extack)?;
    }
    for (t, id) in [
        (IFLA_BOND_UPDELAY, OptionId::UpDelay),
        (IFLA_BOND_DOWNDELAY, OptionId::DownDelay),
        (IFLA_BOND_PEER_NOTIF_DELAY, OptionId::PeerNotifDelay),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, changelink_u32_value(a.u32()), extack)?;
        }
    }
    if let Some(a) = get(IFLA_BOND_USE_CARRIER) {
        if a.u8() != 1 {
            extack.set_bad_attr(&a);
            extack.set_msg(format_args!("{}", msgs::USE_CARRIER_OBSOLETE));
            return Err(EINVAL);
        }
    }
    if let Some(a) = get(IFLA_BOND_ARP_INTERVAL) {
        let v = a.u32();
        if v != 0 && miimon != 0 {
            extack.set_bad_attr(&a);
            extack.set_msg(format_args!("{}", msgs::ARP_WITH_MIIMON));
            return Err(EINVAL);
        }
        set_num(OptionId::ArpInterval, &a, changelink_u32_value(v), extack)?;
    }
    if let Some(a) = get(IFLA_BOND_ARP_IP_TARGET) {
        crate::options::arp_targets_clear(dev, rtnl);
        let v = |p: &[u8]| Val::Num(u64::from(u32::from_ne_bytes([p[0], p[1], p[2], p[3]])));
        set_targets(dev, &a, OptionId::ArpTargets, (4, None), v, extack, rtnl)?;
    }
    if let Some(a) = get(IFLA_BOND_NS_IP6_TARGET) {
        crate::options::ns_targets_clear(dev, rtnl);
        let short = Some(msgs::INVALID_IPV6);
        set_targets(
            dev,
            &a,
            OptionId::NsTargets,
            (16, short),
            Val::Extra,
            extack,
            rtnl,
        )?;
    }
    if let Some(a) = get(IFLA_BOND_ARP_VALIDATE) {
        let v = a.u32();
        if v != 0 && miimon != 0 {
            extack.set_bad_attr(&a);
            extack.set_msg(format_args!("{}", msgs::ARP_VALIDATE_WITH_MIIMON));
            return Err(EINVAL);
        }
        set_num(OptionId::ArpValidate, &a, changelink_u32_value(v), extack)?;
    }
    if let Some(a) = get(IFLA_BOND_ARP_ALL_TARGETS) {
        set_num(
            OptionId::ArpAllTargets,
            &a,
            changelink_u32_value(a.u32()),
            extack,
        )?;
    }
    if let Some(a) = get(IFLA_BOND_PRIMARY) {
        let mut name = [0u8; 16];
        if let Some(sdev) = dev.peer_by_index(a.u32() as i32, rtnl) {
            let nm = sdev.name(rtnl).to_bytes();
            name[..nm.len()].copy_from_slice(nm);
        }
        let n = name.iter().position(|&c| c == 0).unwrap_or(16);
        opt_set(
            dev,
            OptionId::Primary,
            Val::Str(&name[..n]),
            Some(&a),
            extack,
            rtnl,
        )?;
    }
    let u8s = [
        (IFLA_BOND_PRIMARY_RESELECT, OptionId::PrimaryReselect),
        (IFLA_BOND_FAIL_OVER_MAC, OptionId::FailOverMac),
        (IFLA_BOND_XMIT_HASH_POLICY, OptionId::XmitHashPolicy),
    ];
    for (t, id) in u8s {
        if let Some(a) = get(t) {
            set_num(id, &a, u64::from(a.u8()), extack)?;
        }
    }
    if let Some(a) = get(IFLA_BOND_RESEND_IGMP) {
        set_num(
            OptionId::ResendIgmp,
            &a,
            changelink_u32_value(a.u32()),
            extack,
        )?;
    }
    for (t, id) in [
        (IFLA_BOND_NUM_PEER_NOTIF, OptionId::NumPeerNotif),
        (IFLA_BOND_ALL_SLAVES_ACTIVE, OptionId::AllSlavesActive),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, u64::from(a.u8()), extack)?;
        }
    }
    for (t, id) in [
        (IFLA_BOND_MIN_LINKS, OptionId::MinLinks),
        (IFLA_BOND_LP_INTERVAL, OptionId::LpInterval),
        (IFLA_BOND_PACKETS_PER_SLAVE, OptionId::PacketsPerSlave),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, changelink_u32_value(a.u32()), extack)?;
        }
    }
    for (t, id) in [
        (IFLA_BOND_AD_LACP_ACTIVE, OptionId::LacpActive),
        (IFLA_BOND_AD_LACP_RATE, OptionId::LacpRate),
        (IFLA_BOND_AD_SELECT, OptionId::AdSelect),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, u64::from(a.u8()), extack)?;
        }
    }
    for (t, id) in [
        (IFLA_BOND_AD_ACTOR_SYS_PRIO, OptionId::AdActorSysPrio),
        (IFLA_BOND_AD_USER_PORT_KEY, OptionId::AdUserPortKey),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, u64::from(a.u16()), extack)?;
        }
    }
    if let Some(a) = get(IFLA_BOND_AD_ACTOR_SYSTEM) {
        let pl = a.payload();
        if pl.len() != 6 {
            return Err(EINVAL);
        }
        // C `nla_get_u64()` of a 6-byte attribute reads 8 bytes; the two
        // extra bytes are not used by the setter.
        let mut b8 = [0u8; 8];
        b8[..6].copy_from_slice(pl);
        set_num(OptionId::AdActorSystem, &a, u64::from_ne_bytes(b8), extack)?;
    }
    for (t, id) in [
        (IFLA_BOND_TLB_DYNAMIC_LB, OptionId::TlbDynamicLb),
        (IFLA_BOND_MISSED_MAX, OptionId::MissedMax),
        (IFLA_BOND_COUPLED_CONTROL, OptionId::CoupledControl),
        (IFLA_BOND_BROADCAST_NEIGH, OptionId::BroadcastNeighbor),
        (IFLA_BOND_LACP_STRICT, OptionId::LacpStrict),
    ] {
        if let Some(a) = get(t) {
            set_num(id, &a, u64::from(a.u8()), extack)?;
        }
    }
    Ok(())
}

/// C `bond_slave_changelink()`.
pub(crate) fn slave_changelink(
    dev: &Dev<BondDriver>,
    slave: &NetDevice,
    data: &LinkData<'_>,
    extack: &mut ExtAck<'_>,
    rtnl: &Rtnl,
) -> Result {
    if let Some(a) = data.get(u32::from(ifla::IFLA_BOND_SLAVE_QUEUE_ID)) {
        // "%s:%u\n" into char[IFNAMSIZ + 7], as C builds it.
        let mut buf = [0u8; 23];
        let name = slave.name(rtnl).to_bytes();
        let mut w = 0;
        let mut put = |c: u8| {
            if w < buf.len() - 1 {
                buf[w] = c;
                w += 1;
            }
        };
        name.iter().for_each(|&c| put(c));
        put(b':');
        let q = a.u16();
        let mut digits = [0u8; 5];
        let mut k = 0;
        let mut x = q;
        loop {
            digits[k] = b'0' + (x % 10) as u8;
            k += 1;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        for i in (0..k).rev() {
            put(digits[i]);
        }
        put(b'\n');
        opt_set(
            dev,
            OptionId::QueueId,
            Val::Str(&buf[..w]),
            Some(&a),
            extack,
            rtnl,
        )?;
    }
    if let Some(a) = data.get(u32::from(ifla::IFLA_BOND_SLAVE_PRIO)) {
        let v = i64::from(a.u32() as i32) as u64;
        opt_set(
            dev,
            OptionId::Prio,
            Val::Slave(slave, v),
            Some(&a),
            extack,
            rtnl,
        )?;
    }
    if let Some(a) = data.get(u32::from(ifla::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO)) {
        opt_set(
            dev,
            OptionId::ActorPortPrio,
            Val::Slave(slave, u64::from(a.u16())),
            Some(&a),
            extack,
            rtnl,
        )?;
    }
    Ok(())
}

/// C `bond_get_size()`.
pub(crate) fn get_size() -> usize {
    nla_total_size(1)
        + nla_total_size(4) * 3
        + nla_total_size(1)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(4) * MAX_TARGETS
        + nla_total_size(4) * 3
        + nla_total_size(1) * 3
        + nla_total_size(4)
        + nla_total_size(1) * 2
        + nla_total_size(4) * 3
        + nla_total_size(1) * 3
        + nla_total_size(4)
        + nla_total_size(2) * 4
        + nla_total_size(6)
        + nla_total_size(2) * 2
        + nla_total_size(6)
        + nla_total_size(1)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(4)
        + nla_total_size(16) * MAX_TARGETS
        + nla_total_size(1) * 3
}

/// C `bond_get_slave_size()`.
pub(crate) fn get_slave_size() -> usize {
    nla_total_size(1) * 2
        + nla_total_size(4)
        + nla_total_size(bindings::MAX_ADDR_LEN as usize)
        + nla_total_size(2) * 2
        + nla_total_size(1)
        + nla_total_size(2)
        + nla_total_size(4)
        + nla_total_size(2)
        + nla_total_size(1) * 2
}

/// C `bond_fill_info()`.
pub(crate) fn fill_info(
    dev: &Dev<BondDriver>,
    m: &mut NlMsg<'_>,
    rtnl: &Rtnl,
    admin: bool,
) -> Result {
    use ifla::*;
    let b = dev.private();
    let p = b.params(rtnl);
    let mode = p.mode;
    m.put_u8(IFLA_BOND_MODE, p.mode as u8)?;
    if mode.uses_primary() {
        if let Some(a) = b.active(rtnl) {
            m.put_u32(IFLA_BOND_ACTIVE_SLAVE, a.dev.ifindex() as u32)?;
        }
    }
    let miimon = p.miimon;
    m.put_u32(IFLA_BOND_MIIMON, miimon as u32)?;
    m.put_u32(IFLA_BOND_UPDELAY, p.updelay_ms() as u32)?;
    m.put_u32(IFLA_BOND_DOWNDELAY, p.downdelay_ms() as u32)?;
    m.put_u32(IFLA_BOND_PEER_NOTIF_DELAY, p.peer_notif_delay_ms() as u32)?;
    m.put_u8(IFLA_BOND_USE_CARRIER, 1)?;
    m.put_u32(IFLA_BOND_ARP_INTERVAL, p.arp_interval as u32)?;
    let nest = m.nest_start(IFLA_BOND_ARP_IP_TARGET, false)?;
    let mut added = false;
    for (i, t) in p.arp_target.iter().enumerate() {
        if *t != [0; 4] {
            m.put_u32(i as u16, u32::from_ne_bytes(*t))?;
            added = true;
        }
    }
    if added {
        m.nest_end(nest);
    } else {
        m.nest_cancel(nest);
    }
    m.put_u32(IFLA_BOND_ARP_VALIDATE, p.arp_validate as u32)?;
    m.put_u32(IFLA_BOND_ARP_ALL_TARGETS, p.arp_all_targets as u32)?;
    let nest = m.nest_start(IFLA_BOND_NS_IP6_TARGET, true)?;
    let mut added = false;
    for (i, t) in p.ns_targets.iter().enumerate() {
        if *t != [0; 16] {
            m.put_bytes(i as u16, t)?;
            added = true;
        }
    }
    if added {
        m.nest_end(nest);
    } else {
        m.nest_cancel(nest);
    }
    if let Some(pr) = b.primary(rtnl) {
        m.put_u32(IFLA_BOND_PRIMARY, pr.dev.ifindex() as u32)?;
    }
    m.put_u8(IFLA_BOND_PRIMARY_RESELECT, p.primary_reselect as u8)?;
    m.put_u8(IFLA_BOND_FAIL_OVER_MAC, p.fail_over_mac as u8)?;
    m.put_u8(IFLA_BOND_XMIT_HASH_POLICY, p.xmit_policy as u8)?;
    m.put_u32(IFLA_BOND_RESEND_IGMP, p.resend_igmp as u32)?;
    m.put_u8(IFLA_BOND_NUM_PEER_NOTIF, p.num_peer_notif as u8)?;
    m.put_u8(IFLA_BOND_ALL_SLAVES_ACTIVE, p.all_slaves_active as u8)?;
    m.put_u32(IFLA_BOND_MIN_LINKS, p.min_links as u32)?;
    m.put_u32(IFLA_BOND_LP_INTERVAL, p.lp_interval)?;
    m.put_u32(IFLA_BOND_PACKETS_PER_SLAVE, p.packets_per_slave as u32)?;
    m.put_u8(IFLA_BOND_AD_LACP_ACTIVE, p.lacp_active as u8)?;
    m.put_u8(IFLA_BOND_AD_LACP_RATE, p.lacp_fast as u8)?;
    m.put_u8(IFLA_BOND_AD_SELECT, p.ad_select as u8)?;
    m.put_u8(IFLA_BOND_TLB_DYNAMIC_LB, p.tlb_dynamic_lb as u8)?;
    m.put_u8(IFLA_BOND_MISSED_MAX, p.missed_max)?;
    m.put_u8(IFLA_BOND_COUPLED_CONTROL, p.coupled_control)?;
    m.put_u8(IFLA_BOND_BROADCAST_NEIGH, p.broadcast_neighbor)?;
    m.put_u8(IFLA_BOND_LACP_STRICT, p.lacp_strict)?;
    if let Some(ad) = crate::policy::ad_info(dev) {
        if admin {
            m.put_u16(IFLA_BOND_AD_ACTOR_SYS_PRIO, p.ad_actor_sys_prio)?;
            m.put_u16(IFLA_BOND_AD_USER_PORT_KEY, p.ad_user_port_key)?;
            m.put_bytes(IFLA_BOND_AD_ACTOR_SYSTEM, &p.ad_actor_system)?;
        }
        if let Some(info) = ad.active_agg {
            let nest = m.nest_start(IFLA_BOND_AD_INFO, false)?;
            m.put_u16(IFLA_BOND_AD_INFO_AGGREGATOR, info.aggregator_id)?;
            m.put_u16(IFLA_BOND_AD_INFO_NUM_PORTS, info.ports)?;
            m.put_u16(IFLA_BOND_AD_INFO_ACTOR_KEY, info.actor_key)?;
            m.put_u16(IFLA_BOND_AD_INFO_PARTNER_KEY, info.partner_key)?;
            m.put_bytes(IFLA_BOND_AD_INFO_PARTNER_MAC, &info.partner_system)?;
            m.nest_end(nest);
        }
    }
    Ok(())
}

/// `nla_total_size()`: an attribute with `payload` bytes, padded.
const fn nla_total_size(payload: usize) -> usize {
    (4 + payload + 3) & !3
}

/// `nla_total_size_64bit()`: a 64-bit attribute, with room for the pad attribute that aligns it
/// on architectures without efficient unaligned access.
const fn nla_total_size_64bit(payload: usize) -> usize {
    nla_total_size(payload)
        + if cfg!(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) {
            0
        } else {
            nla_total_size(0)
        }
}

/// C `bond_get_linkxstats_size()`: the `LINK_XSTATS_TYPE_BOND` nest with room
/// for the nine 802.3ad counters (`bond_3ad_stats_size()`), each padded where
/// the architecture needs it.
pub(crate) fn linkxstats_size() -> usize {
    9 * nla_total_size_64bit(8) + nla_total_size(0)
}

/// C `bond_fill_linkxstats()`: the `LINK_XSTATS_TYPE_BOND` nest of a bond or
/// of one of its slaves. It holds the 802.3ad counters in 802.3ad mode and is
/// empty in the other modes.
pub(crate) fn fill_linkxstats(
    dev: &NetDevice,
    slave: bool,
    msg: &mut NlMsg<'_>,
    rtnl: &Rtnl,
) -> Result {
    if slave && !has_rx_data::<Slave>(dev, rtnl) {
        return Ok(());
    }
    // The bond whose mode decides, and the counters: the slave's or the bond's.
    let stats = if slave {
        rx_data::<Slave>(dev, rtnl)
            .and_then(|s| crate::policy::port_view(s.bond_dev()?, &s).map(|v| v.stats))
    } else {
        Dev::<BondDriver>::try_from_dev(dev)
            .and_then(crate::policy::ad_info)
            .map(|ad| ad.stats)
    };
    let nest = msg.nest_start(bindings::LINK_XSTATS_TYPE_BOND as u16, false)?;
    if let Some(st) = stats {
        // BOND_XSTATS_3AD (C `bond_3ad_stats_fill()`): BOND_3AD_STAT_LACPDU_RX .. _MARKER_UNKNOWN_RX,
        // padded with BOND_3AD_STAT_PAD.
        const BOND_XSTATS_3AD: u16 = 1;
        const BOND_3AD_STAT_PAD: u16 = 9;
        let Ok(n2) = msg.nest_start(BOND_XSTATS_3AD, false) else {
            msg.nest_end(nest);
            return Err(EMSGSIZE);
        };
        let vals = [
            st.lacpdu_rx,
            st.lacpdu_tx,
            st.lacpdu_unknown_rx,
            st.lacpdu_illegal_rx,
            st.marker_rx,
            st.marker_tx,
            st.marker_resp_rx,
            st.marker_resp_tx,
            st.marker_unknown_rx,
        ];
        for (i, v) in vals.iter().enumerate() {
            if msg.put_u64_64bit(i as u16, *v, BOND_3AD_STAT_PAD).is_err() {
                msg.nest_cancel(n2);
                msg.nest_end(nest);
                return Err(EMSGSIZE);
            }
        }
        msg.nest_end(n2);
    }
    msg.nest_end(nest);
    Ok(())
}

/// C `bond_fill_slave_info()`.
pub(crate) fn fill_slave_info(
    dev: &Dev<BondDriver>,
    sdev: &NetDevice,
    m: &mut NlMsg<'_>,
    rtnl: &Rtnl,
) -> Result {
    use ifla::*;
    let Some(s) = dev.private().slave_of(sdev, rtnl) else {
        return Ok(());
    };
    m.put_u8(IFLA_BOND_SLAVE_STATE, u8::from(!s.is_active()))?;
    m.put_u8(IFLA_BOND_SLAVE_MII_STATUS, s.link() as u8)?;
    m.put_u32(IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, s.link_failure_count())?;
    m.put_bytes(IFLA_BOND_SLAVE_PERM_HWADDR, s.perm_hwaddr.as_slice())?;
    m.put_u16(IFLA_BOND_SLAVE_QUEUE_ID, s.queue_id())?;
    m.put_u32(IFLA_BOND_SLAVE_PRIO, s.prio() as u32)?;
    if let Some(v) = crate::policy::port_view(dev, &s) {
        if let Some(agg) = v.aggregator_id {
            m.put_u16(IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, agg)?;
            m.put_u8(IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, v.actor_state)?;
            m.put_u16(
                IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE,
                u16::from(v.partner_state),
            )?;
            m.put_u8(IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE, v.churn.0 as u8)?;
            m.put_u8(IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE, v.churn.1 as u8)?;
        }
        m.put_u16(IFLA_BOND_SLAVE_ACTOR_PORT_PRIO, v.port_priority)?;
    }
    Ok(())
}
