// SPDX-License-Identifier: GPL-2.0

//! The bond device (C `struct bonding`, `bond_setup()`, `bond_init()`,
//! `bond_create()`, `bond_link_ops`) — for now a bond without slaves.

use crate::bindings;
use crate::netlink::{ifla, options};
use crate::params::BondParams;
use crate::safe::link::{ExtAck, LinkAttrs, LinkData};
use crate::safe::netdev::{
    AllocatedDev, Dev, DevKillList, Driver, DriverTables, DrvInfo, Net, NetDevice, NewLinkDev,
    SetupConfig, SkBuff, TxStatus,
};
use crate::safe::rtnl::Rtnl;
use kernel::{prelude::*, sync::SetOnce};

/// Bond defaults computed from the module parameters at load (C
/// `bonding_defaults`); `BondParams::DEFAULT` until then.
pub(crate) static BOND_DEFAULTS: SetOnce<BondParams> = SetOnce::new();

fn defaults() -> BondParams {
    BOND_DEFAULTS.copy().unwrap_or(BondParams::DEFAULT)
}

/// The bond's private state (C `struct bonding`), pinned in the netdev's
/// private area.
#[pin_data]
pub(crate) struct Bond {
    /// Configuration (C `bond->params`).
    pub(crate) params: BondParams,
}

/// The driver type of bond devices.
pub(crate) struct BondDriver;

static BOND_TABLES: DriverTables = DriverTables::new::<BondDriver>();

impl Driver for BondDriver {
    type Priv = Bond;
    const KIND: &'static CStr = c"bond";
    const DEVTYPE: &'static CStr = c"bond";

    fn tables() -> &'static DriverTables {
        &BOND_TABLES
    }

    fn num_queues() -> u32 {
        // C `bond_get_num_tx_queues()`: the (validated) `tx_queues` parameter.
        u32::try_from(defaults().tx_queues).unwrap_or(16)
    }

    fn priv_init() -> impl PinInit<Bond> {
        pin_init!(Bond { params: defaults() })
    }

    fn setup_config() -> SetupConfig {
        SetupConfig {
            max_mtu: bindings::ETH_MAX_MTU,
            flags: bindings::IFF_MASTER,
            priv_flags_set: bindings::IFF_BONDING
                | bindings::IFF_UNICAST_FLT
                | bindings::IFF_NO_QUEUE,
            priv_flags_clear: bindings::IFF_XMIT_DST_RELEASE | bindings::IFF_TX_SKB_SHARING,
            lltx: true,
            netns_immutable: true,
            hw_features: bindings::BONDRS_HW_FEATURES,
            features: bindings::BONDRS_HW_FEATURES | bindings::BONDRS_EXTRA_FEATURES,
        }
    }

    fn init(dev: &Dev<Self>, rtnl: &Rtnl) -> Result {
        dev.lockdep_set_classes(rtnl);
        dev.ensure_valid_addr(rtnl);
        Ok(())
    }

    fn open(_dev: &Dev<Self>, _rtnl: &Rtnl) -> Result {
        // No slaves, no monitors yet: nothing to start (C `bond_open()`).
        Ok(())
    }

    fn stop(_dev: &Dev<Self>, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    fn start_xmit(dev: &Dev<Self>, skb: SkBuff) -> TxStatus {
        // C `bond_tx_drop()`: no slave to send on.
        dev.tx_dropped_inc();
        drop(skb);
        TxStatus::Dropped
    }

    fn set_mac_address(dev: &Dev<Self>, addr: &[u8], rtnl: &Rtnl) -> Result {
        // C `bond_set_mac_address()` for a bond without slaves (and not in
        // balance-alb, which no bond can be in yet): check, then take it.
        if !is_valid_ether_addr(addr) {
            return Err(EADDRNOTAVAIL);
        }
        dev.set_addr(rtnl, addr)
    }

    fn vlan_rx_add_vid(_dev: &Dev<Self>, _proto: u16, _vid: u16, _rtnl: &Rtnl) -> Result {
        // C `bond_vlan_rx_add_vid()` adds the VID to every slave; a bond
        // without slaves has nothing to propagate it to.
        Ok(())
    }

    fn vlan_rx_kill_vid(_dev: &Dev<Self>, _proto: u16, _vid: u16, _rtnl: &Rtnl) -> Result {
        // C `bond_vlan_rx_kill_vid()`: likewise, per slave.
        Ok(())
    }

    fn drvinfo(_dev: &Dev<Self>, info: &mut DrvInfo<'_>) {
        info.set_driver(format_args!("bonding"));
        info.set_fw_version(format_args!("{}", bindings::BOND_ABI_VERSION));
    }

    fn validate(tb: &LinkAttrs<'_>, _data: &LinkData<'_>, _extack: &mut ExtAck<'_>) -> Result {
        // C `bond_validate()`.
        if let Some(addr) = tb.get(bindings::IFLA_ADDRESS) {
            let a = addr.payload();
            if a.len() != bindings::ETH_ALEN as usize {
                return Err(EINVAL);
            }
            if !is_valid_ether_addr(a) {
                return Err(EADDRNOTAVAIL);
            }
        }
        Ok(())
    }

    fn newlink(
        dev: NewLinkDev<'_, Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        rtnl: &Rtnl,
    ) -> Result {
        // Refuse what we cannot honour before registering (C registers, then
        // applies changelink and unregisters on error: same visible result).
        check_link_data(data, defaults().mode, extack)?;
        let dev = dev.register(rtnl)?;
        dev.carrier_off();
        Ok(())
    }

    fn changelink(
        dev: &Dev<Self>,
        data: &LinkData<'_>,
        extack: &mut ExtAck<'_>,
        _rtnl: &Rtnl,
    ) -> Result {
        check_link_data(data, dev.private().params.mode, extack)
    }
}

/// C `is_valid_ether_addr()`: a 6-byte unicast address that is not all zeroes.
fn is_valid_ether_addr(a: &[u8]) -> bool {
    a.len() == bindings::ETH_ALEN as usize
        && a.first().is_some_and(|b| b & 1 == 0)
        && a.iter().any(|&b| b != 0)
}

/// Name of an `IFLA_BOND_*` attribute for messages: the bonding option name.
fn attr_option_name(ty: u32) -> &'static str {
    options::OptionId::ALL
        .iter()
        .find(|&&id| matches!(ifla::nl_attr(id), Some(ifla::NlAttr::Bond(t)) if u32::from(t) == ty))
        .map_or("unknown", |&id| options::option(id).name)
}

/// No option can be changed yet: `IFLA_BOND_MODE` equal to the bond's
/// current mode is accepted (a no-op); any other `IFLA_BOND_*` attribute (or
/// value) is refused with `-EOPNOTSUPP` rather than silently ignored.
fn check_link_data(data: &LinkData<'_>, mode: u64, extack: &mut ExtAck<'_>) -> Result {
    data.try_for_each(|ty, attr| {
        let ok = ty == u32::from(ifla::IFLA_BOND_MODE)
            && attr.payload().len() == 1
            && attr.payload().first().map(|&m| u64::from(m)) == Some(mode);
        if ok {
            return Ok(());
        }
        let name = attr_option_name(ty);
        extack.set_bad_attr(&attr);
        extack.set_msg(format_args!(
            "bonding-rs: option {} is not implemented yet",
            name
        ));
        Err(EOPNOTSUPP)
    })
}

/// C `bond_create()`: creates and registers a bond named `name` (or
/// `bond%d`) in `net`.
pub(crate) fn bond_create(net: &Net, name: Option<&CStr>) -> Result {
    let rtnl = Rtnl::lock();
    let dev = AllocatedDev::<BondDriver>::new(name.unwrap_or(c"bond%d"), net)?;
    let dev = dev.register(&rtnl)?;
    dev.carrier_off();
    Ok(())
}

/// The bonds of `net`, in creation order (C `bn->dev_list`).
pub(crate) fn for_each_bond<'a>(
    net: &'a Net,
    rtnl: &'a Rtnl,
    mut f: impl FnMut(&'a Dev<BondDriver>) -> bool,
) {
    net.for_each_dev(rtnl, |d| match Dev::<BondDriver>::try_from_dev(d) {
        Some(b) => f(b),
        None => true,
    });
}

/// C `bond_net_exit_rtnl()`: queue every bond of the namespace.
pub(crate) fn unregister_all(net: &Net, rtnl: &Rtnl, kill: &mut DevKillList) {
    for_each_bond(net, rtnl, |b| {
        let d: &NetDevice = b;
        d.unregister(rtnl, Some(&mut *kill));
        true
    });
}
