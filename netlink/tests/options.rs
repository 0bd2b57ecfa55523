// SPDX-License-Identifier: GPL-2.0

//! Behavioural vectors for the option table, taken by hand from
//! `drivers/net/bonding/bond_options.c` (7.3 tree). `c_source.rs` checks the
//! tables themselves mechanically against the C source.

use bonding_modes::Mode;
use bonding_netlink::ifla::{self, NlAttr};
use bonding_netlink::options::*;
use bonding_netlink::params::{self, ParamType, MODULE_PARAMS};

const INT_MAX: u64 = 2_147_483_647;

fn parse(id: OptionId, s: &str) -> Result<u64, OptError> {
    parse_value(id, s.as_bytes())
}

#[test]
fn table_shape() {
    assert_eq!(OPT_LAST, 39);
    assert_eq!(C_OPT_LAST, 38);
    assert_eq!(OptionId::CarrierEvents.index(), 38);
    assert!(OptionId::CarrierEvents.is_ours() && !OptionId::LacpStrict.is_ours());
    assert_eq!(OPTIONS.len(), OPT_LAST);
    assert_eq!(OptionId::ALL.len(), OPT_LAST);
    for (i, o) in OPTIONS.iter().enumerate() {
        assert_eq!(o.id.index(), i, "{}", o.name);
        assert_eq!(OptionId::ALL[i], o.id);
        assert_eq!(OptionId::from_index(i), Some(o.id));
        assert!(std::ptr::eq(option(o.id), o));
        assert!(std::ptr::eq(find_by_name(o.name.as_bytes()).unwrap(), o));
        // RAWVAL <=> no value table.
        assert_eq!(o.is_raw(), o.values.is_empty(), "{}", o.name);
        assert_eq!(o.unsupp_modes & !Mode::ALL_MASK, 0);
    }
    assert_eq!(OptionId::from_index(OPT_LAST), None);
    assert!(find_by_name(b"mode\n").is_none());
    assert!(find_by_name(b"Mode").is_none());
    assert!(find_by_name(b"").is_none());
    assert_eq!(OptionId::LacpStrict.index(), 37);
    assert_eq!(OptionId::BroadcastNeighbor.index(), 35);
    assert_eq!(OptionId::ActorPortPrio.index(), 36);
    assert_eq!(option(OptionId::NumPeerNotif).name, "num_unsol_na");
    assert_eq!(option(OptionId::NumPeerNotifAlias).name, "num_grat_arp");
    assert_eq!(option(OptionId::MissedMax).name, "arp_missed_max");
    assert_eq!(option(OptionId::ArpTargets).name, "arp_ip_target");
    assert_eq!(option(OptionId::NsTargets).name, "ns_ip6_target");
}

#[test]
fn parse_mode() {
    let m = OptionId::Mode;
    let ok = [
        ("balance-rr", 0),
        ("active-backup", 1),
        ("balance-xor", 2),
        ("broadcast", 3),
        ("802.3ad", 4),
        ("balance-tlb", 5),
        ("balance-alb", 6),
        ("active-backup\n", 1),
        ("  802.3ad  \n", 4),
        ("\tbalance-alb", 6),
        ("balance-rr foo", 0), // %32s takes the first word
        ("balance-xor\nignored", 2),
        ("balance-tlb\0junk", 5), // C string ends at NUL
        ("default", 0),
        ("default\n", 0),
        ("0", 0),
        ("6", 6),
        ("4\n", 4),
        (" 1 ", 1),
        ("1 2", 1), // sscanf %llu stops at the space
        ("01", 1),
        ("1\n7", 1),
    ];
    for (s, v) in ok {
        assert_eq!(parse(m, s), Ok(v), "{s:?}");
    }
    let bad = [
        "7",
        "99999999999999999999999",
        "18446744073709551615",
        "",
        "\n",
        "   ",
        "\n0",
        "-1",
        "+1",
        "0x1",
        "1a",
        "Balance-rr",
        "balance",
        "balance-rr,",
        "default1",
        "1 abc", // not all digits/space: the word "1" is not a name
    ];
    for s in bad {
        assert_eq!(parse(m, s), Err(OptError::InvalidValue), "{s:?}");
    }
    // Kernel isspace() includes Latin-1 NBSP (0xA0).
    assert_eq!(parse_value(m, b"\xa05\xa0"), Ok(5));
    assert_eq!(parse_value(m, b"\xa0broadcast"), Ok(3));
    assert_eq!(parse_value(m, b"\x0b\x0c3\r"), Ok(3));
    // %32s: a longer word is cut to 32 bytes (still no match here).
    let long = "a".repeat(40);
    assert_eq!(parse(m, &long), Err(OptError::InvalidValue));
}

#[test]
fn parse_ranges_and_keywords() {
    use OptionId::*;
    let cases: &[(OptionId, &str, Result<u64, OptError>)] = &[
        (MiiMon, "0", Ok(0)),
        (MiiMon, "off", Ok(0)),
        (MiiMon, "default", Ok(0)),
        (MiiMon, "100\n", Ok(100)),
        (MiiMon, "maxval", Ok(INT_MAX)),
        (MiiMon, "2147483647", Ok(INT_MAX)),
        (MiiMon, "2147483648", Err(OptError::InvalidValue)),
        (MiiMon, "minval", Err(OptError::InvalidValue)),
        (ArpInterval, "1000", Ok(1000)),
        (UpDelay, "200", Ok(200)),
        (DownDelay, "maxval", Ok(INT_MAX)),
        (MinLinks, "3", Ok(3)),
        (PacketsPerSlave, "0", Ok(0)),
        (PacketsPerSlave, "default", Ok(1)),
        (PacketsPerSlave, "65535", Ok(65535)),
        (PacketsPerSlave, "maxval", Ok(65535)),
        (PacketsPerSlave, "65536", Err(OptError::InvalidValue)),
        (LpInterval, "0", Err(OptError::InvalidValue)),
        (LpInterval, "1", Ok(1)),
        (LpInterval, "default", Ok(1)),
        (LpInterval, "minval", Ok(1)),
        (LpInterval, "2147483647", Ok(INT_MAX)),
        (LacpRate, "slow", Ok(0)),
        (LacpRate, "fast", Ok(1)),
        (LacpRate, "1", Ok(1)),
        (LacpRate, "2", Err(OptError::InvalidValue)),
        (LacpRate, "default", Err(OptError::InvalidValue)),
        (PeerNotifDelay, "300000", Ok(300_000)),
        (PeerNotifDelay, "300001", Err(OptError::InvalidValue)),
        (PeerNotifDelay, "default", Err(OptError::InvalidValue)),
        (PeerNotifDelay, "off", Ok(0)),
        (NumPeerNotif, "default", Ok(1)),
        (NumPeerNotif, "255", Ok(255)),
        (NumPeerNotif, "256", Err(OptError::InvalidValue)),
        (NumPeerNotifAlias, "maxval", Ok(255)),
        (ResendIgmp, "default", Ok(1)),
        (ResendIgmp, "0", Ok(0)),
        (MissedMax, "0", Err(OptError::InvalidValue)),
        (MissedMax, "default", Ok(2)),
        (MissedMax, "255", Ok(255)),
        (MissedMax, "256", Err(OptError::InvalidValue)),
        (AdActorSysPrio, "0", Err(OptError::InvalidValue)),
        (AdActorSysPrio, "default", Ok(65535)),
        (AdActorSysPrio, "1", Ok(1)),
        (AdActorSysPrio, "65536", Err(OptError::InvalidValue)),
        (AdUserPortKey, "default", Ok(0)),
        (AdUserPortKey, "1023", Ok(1023)),
        (AdUserPortKey, "1024", Err(OptError::InvalidValue)),
        (UseCarrier, "1", Ok(1)),
        (UseCarrier, "on", Ok(1)),
        (UseCarrier, "0", Err(OptError::InvalidValue)),
        (UseCarrier, "off", Err(OptError::InvalidValue)),
        (XmitHashPolicy, "layer3+4", Ok(1)),
        (XmitHashPolicy, "vlan+srcmac\n", Ok(5)),
        (XmitHashPolicy, "6", Err(OptError::InvalidValue)),
        (ArpValidate, "filter_backup", Ok(6)),
        (ArpValidate, "7", Err(OptError::InvalidValue)),
        (ArpAllTargets, "all", Ok(1)),
        (FailOverMac, "follow", Ok(2)),
        (FailOverMac, "default", Ok(0)),
        (PrimaryReselect, "failure", Ok(2)),
        (AdSelect, "actor_port_prio", Ok(3)),
        (AdSelect, "4", Err(OptError::InvalidValue)),
        (AllSlavesActive, "on", Ok(1)),
        (TlbDynamicLb, "default", Ok(1)),
        (LacpActive, "default", Ok(1)),
        (LacpActive, "off", Ok(0)),
        (LacpStrict, "default", Ok(0)),
        (LacpStrict, "on", Ok(1)),
        (CoupledControl, "default", Ok(1)),
        (CoupledControl, "off", Ok(0)),
        (BroadcastNeighbor, "on", Ok(1)),
        (BroadcastNeighbor, "2", Err(OptError::InvalidValue)),
        (CarrierEvents, "0", Ok(0)),
        (CarrierEvents, "1\n", Ok(1)),
        (CarrierEvents, "off", Ok(0)),
        (CarrierEvents, "on", Ok(1)),
        (CarrierEvents, "2", Err(OptError::InvalidValue)),
    ];
    for (id, s, want) in cases {
        assert_eq!(parse(*id, s), *want, "{id:?} {s:?}");
    }
}

#[test]
fn raw_options() {
    for o in OPTIONS.iter().filter(|o| o.is_raw()) {
        assert_eq!(parse_value(o.id, b"eth0"), Err(OptError::RawOption));
        assert_eq!(check_value(o.id, 1), Err(OptError::RawOption));
        assert_eq!(default_value(o.id), None);
        assert_eq!(
            validate(o.id, Mode::Ieee8023ad, false, false, OptInput::Str(b"x")).map_err(|_| ()),
            if o.supported_in(Mode::Ieee8023ad) {
                Ok(None)
            } else {
                Err(())
            }
        );
    }
    let raw: Vec<_> = OPTIONS
        .iter()
        .filter(|o| o.is_raw())
        .map(|o| o.name)
        .collect();
    assert_eq!(
        raw,
        [
            "arp_ip_target",
            "primary",
            "active_slave",
            "queue_id",
            "slaves",
            "ad_actor_system",
            "ns_ip6_target",
            "prio",
            "actor_port_prio"
        ]
    );
}

#[test]
fn numeric_check() {
    use OptionId::*;
    assert_eq!(check_value(Mode, 6), Ok(6));
    assert_eq!(check_value(Mode, 7), Err(OptError::InvalidValue));
    assert_eq!(check_value(MiiMon, INT_MAX), Ok(INT_MAX));
    assert_eq!(
        check_value(MiiMon, INT_MAX + 1),
        Err(OptError::InvalidValue)
    );
    assert_eq!(check_value(MiiMon, u64::MAX), Err(OptError::InvalidValue));
    assert_eq!(check_value(LpInterval, 0), Err(OptError::InvalidValue));
    assert_eq!(check_value(UseCarrier, 0), Err(OptError::InvalidValue));
    assert_eq!(check_value(UseCarrier, 1), Ok(1));
    // changelink reads u32 attributes into an int.
    assert_eq!(ifla::changelink_u32_value(5), 5);
    assert_eq!(ifla::changelink_u32_value(u32::MAX), u64::MAX);
    assert_eq!(
        ifla::changelink_u32_value(0x8000_0000),
        0xffff_ffff_8000_0000
    );
    assert_eq!(
        check_value(MiiMon, ifla::changelink_u32_value(u32::MAX)),
        Err(OptError::InvalidValue)
    );
    // Every table value is accepted numerically and by name.
    for o in OPTIONS.iter() {
        for e in o.values {
            assert_eq!(check_value(o.id, e.value), Ok(e.value), "{}", o.name);
            assert_eq!(parse_value(o.id, e.name.as_bytes()), Ok(e.value));
            assert_eq!(parse(o.id, &format!("{}\n", e.value)), Ok(e.value));
        }
        if let Some((min, max)) = o.range() {
            assert_eq!(check_value(o.id, min), Ok(min));
            assert_eq!(check_value(o.id, max), Ok(max));
            assert_eq!(check_value(o.id, max + 1), Err(OptError::InvalidValue));
            if min > 0 && !o.values.iter().any(|e| e.value == min - 1) {
                assert_eq!(check_value(o.id, min - 1), Err(OptError::InvalidValue));
            }
        } else if !o.is_raw() {
            let top = o.values.iter().map(|e| e.value).max().unwrap();
            assert_eq!(check_value(o.id, top + 1), Err(OptError::InvalidValue));
        }
    }
}

#[test]
fn defaults_and_names() {
    use OptionId::*;
    let d = [
        (Mode, Some(0)),
        (PacketsPerSlave, Some(1)),
        (XmitHashPolicy, Some(0)),
        (ArpValidate, Some(0)),
        (ArpAllTargets, Some(0)),
        (FailOverMac, Some(0)),
        (ArpInterval, Some(0)),
        (LacpRate, None),
        (AdSelect, Some(0)),
        (NumPeerNotif, Some(1)),
        (MiiMon, Some(0)),
        (PrimaryReselect, Some(0)),
        (UseCarrier, Some(1)),
        (LpInterval, Some(1)),
        (TlbDynamicLb, Some(1)),
        (AdActorSysPrio, Some(65535)),
        (AdUserPortKey, Some(0)),
        (PeerNotifDelay, None),
        (LacpActive, Some(1)),
        (MissedMax, Some(2)),
        (CoupledControl, Some(1)),
        (BroadcastNeighbor, Some(0)),
        (LacpStrict, Some(0)),
    ];
    for (id, want) in d {
        assert_eq!(default_value(id), want, "{id:?}");
        assert_eq!(parse(id, "default").ok(), want, "{id:?}");
    }
    assert_eq!(value_name(Mode, 0), Some("balance-rr"));
    assert_eq!(value_name(Mode, 4), Some("802.3ad"));
    assert_eq!(value_name(Mode, 7), None);
    assert_eq!(value_name(XmitHashPolicy, 5), Some("vlan+srcmac"));
    assert_eq!(value_name(MiiMon, 0), Some("off"));
    assert_eq!(value_name(MiiMon, 100), None);
    assert_eq!(value_name(LpInterval, 1), Some("minval"));
    assert_eq!(value_name(NumPeerNotif, 1), Some("default"));
    assert_eq!(value_name(Primary, 0), None);
    for m in bonding_modes::Mode::ALL {
        assert_eq!(value_name(Mode, u64::from(m.as_u8())), Some(m.name()));
    }
    for p in bonding_modes::XmitHashPolicy::ALL {
        assert_eq!(
            value_name(XmitHashPolicy, u64::from(p.as_u8())),
            Some(p.name())
        );
    }
    assert_eq!(option(Mode).range(), None);
    assert_eq!(option(MiiMon).range(), Some((0, INT_MAX)));
    assert_eq!(option(LpInterval).range(), Some((1, INT_MAX)));
    assert_eq!(option(PacketsPerSlave).range(), Some((0, 65535)));
}

/// Modes in which each option is supported, written out from the
/// `unsuppmodes` expressions of bond_opts[].
fn supported_modes(id: OptionId) -> &'static [Mode] {
    use Mode::*;
    use OptionId as O;
    const ALL: &[Mode] = &Mode::ALL;
    match id {
        O::PacketsPerSlave => &[BalanceRr],
        O::ArpValidate | O::ArpInterval | O::MissedMax => {
            &[BalanceRr, ActiveBackup, BalanceXor, Broadcast]
        }
        O::LacpActive
        | O::LacpRate
        | O::LacpStrict
        | O::AdActorSysPrio
        | O::ActorPortPrio
        | O::AdActorSystem
        | O::AdUserPortKey
        | O::CoupledControl
        | O::BroadcastNeighbor => &[Ieee8023ad],
        O::Prio | O::Primary | O::ActiveSlave => &[ActiveBackup, BalanceTlb, BalanceAlb],
        O::TlbDynamicLb => &[BalanceTlb, BalanceAlb],
        _ => ALL,
    }
}

#[test]
fn deps_every_option_and_mode() {
    let noslaves = [OptionId::Mode, OptionId::FailOverMac];
    let ifdown = [
        OptionId::Mode,
        OptionId::LacpActive,
        OptionId::LacpRate,
        OptionId::AdSelect,
        OptionId::TlbDynamicLb,
        OptionId::AdUserPortKey,
        OptionId::CoupledControl,
    ];
    for id in OptionId::ALL {
        for mode in Mode::ALL {
            let sup = supported_modes(id).contains(&mode);
            assert_eq!(option(id).supported_in(mode), sup, "{id:?} {mode:?}");
            for has_slaves in [false, true] {
                for up in [false, true] {
                    let want = if !sup {
                        Err(OptError::NotSupportedInMode)
                    } else if has_slaves && noslaves.contains(&id) {
                        Err(OptError::HasSlaves)
                    } else if up && ifdown.contains(&id) {
                        Err(OptError::DeviceUp)
                    } else {
                        Ok(())
                    };
                    assert_eq!(
                        check_deps(id, mode, has_slaves, up),
                        want,
                        "{id:?} {mode:?} slaves={has_slaves} up={up}"
                    );
                    // validate() runs the deps first, then parsing.
                    let v = validate(id, mode, has_slaves, up, OptInput::Str(b"bogus"));
                    match want {
                        Err(e) => assert_eq!(v, Err(e)),
                        Ok(()) if option(id).is_raw() => assert_eq!(v, Ok(None)),
                        Ok(()) => assert_eq!(v, Err(OptError::InvalidValue)),
                    }
                }
            }
        }
    }
    assert_eq!(
        validate(
            OptionId::Mode,
            Mode::BalanceRr,
            false,
            false,
            OptInput::Str(b"802.3ad\n")
        ),
        Ok(Some(4))
    );
    assert_eq!(
        validate(
            OptionId::MiiMon,
            Mode::BalanceRr,
            true,
            true,
            OptInput::Num(100)
        ),
        Ok(Some(100))
    );
}

#[test]
fn errors() {
    assert_eq!(OptError::InvalidValue.errno(), -22);
    assert_eq!(OptError::NotSupportedInMode.errno(), -13);
    assert_eq!(OptError::HasSlaves.errno(), -39);
    assert_eq!(OptError::DeviceUp.errno(), -16);
    assert_eq!(OptError::RawOption.errno(), -22);
    assert_eq!(errno::EPERM, 1);
    assert_eq!(errno::EOPNOTSUPP, 95);
    assert_eq!(
        OptError::InvalidValue.extack_msg(),
        Some("invalid option value")
    );
    assert_eq!(
        OptError::NotSupportedInMode.extack_msg(),
        Some("option not supported in mode")
    );
    assert_eq!(
        OptError::HasSlaves.extack_msg(),
        Some("unable to set option because the bond device has slaves")
    );
    assert_eq!(
        OptError::DeviceUp.extack_msg(),
        Some("unable to set option because the bond is up")
    );
    let ab = Mode::ActiveBackup;
    assert_eq!(
        error_extack(-13, OptionId::LacpRate, ab, None),
        Some("option not supported in mode")
    );
    // -EACCES from a setter while the option is supported: C is silent.
    assert_eq!(error_extack(-13, OptionId::MiiMon, ab, None), None);
    assert_eq!(
        error_extack(-19, OptionId::Primary, ab, Some(OptInput::Str(b"x"))),
        Some("interface does not exist")
    );
    assert_eq!(
        error_extack(-19, OptionId::Primary, ab, Some(OptInput::Num(1))),
        None
    );
    assert_eq!(error_extack(-95, OptionId::Mode, ab, None), None);
}

fn log(err: i32, id: OptionId, mode: Mode, val: Option<OptInput<'_>>) -> Vec<String> {
    let mut v = Vec::new();
    error_log(err, id, mode, val, |a| v.push(a.to_string()));
    v
}

#[test]
fn log_lines() {
    use OptionId as O;
    let ab = Mode::ActiveBackup;
    assert_eq!(
        log(-22, O::MiiMon, ab, Some(OptInput::Str(b"abc\nxyz"))),
        [
            "option miimon: invalid value (abc)\n",
            "option miimon: allowed values 0 - 2147483647\n"
        ]
    );
    assert_eq!(
        log(-22, O::LpInterval, ab, Some(OptInput::Num(0))),
        [
            "option lp_interval: invalid value (0)\n",
            "option lp_interval: allowed values 1 - 2147483647\n"
        ]
    );
    assert_eq!(
        log(-22, O::Mode, ab, Some(OptInput::Num(9))),
        ["option mode: invalid value (9)\n"]
    );
    assert_eq!(
        log(-13, O::LacpRate, ab, None),
        ["option lacp_rate: mode dependency failed, not supported in mode active-backup(1)\n"]
    );
    assert!(log(-13, O::MiiMon, ab, None).is_empty());
    assert_eq!(
        log(-39, O::Mode, ab, None),
        ["option mode: unable to set because the bond device has slaves\n"]
    );
    assert_eq!(
        log(-16, O::Mode, ab, None),
        ["option mode: unable to set because the bond device is up\n"]
    );
    assert_eq!(
        log(-19, O::Primary, ab, Some(OptInput::Str(b"eth9\n"))),
        ["option primary: interface eth9 does not exist!\n"]
    );
    assert!(log(-19, O::Primary, ab, Some(OptInput::Num(3))).is_empty());
    assert!(log(-1, O::Primary, ab, None).is_empty());
}

#[test]
fn netlink_mapping() {
    assert_eq!(ifla::IFLA_BOND_MAX, 34);
    assert_eq!(ifla::IFLA_BOND_SLAVE_MAX, 12);
    assert_eq!(ifla::IFLA_BOND_LACP_STRICT, 34);
    assert_eq!(ifla::IFLA_BOND_BROADCAST_NEIGH, 33);
    assert_eq!(ifla::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO, 10);
    let mut bond_attrs = 0;
    for id in OptionId::ALL {
        match ifla::nl_attr(id) {
            Some(NlAttr::Bond(a)) => {
                bond_attrs += 1;
                assert_eq!(ifla::option_for_bond_attr(a), Some(id));
                assert!(ifla::BOND_POLICY[usize::from(a)].is_some());
            }
            Some(NlAttr::Slave(a)) => {
                assert_eq!(ifla::option_for_slave_attr(a), Some(id));
                assert!(ifla::SLAVE_POLICY[usize::from(a)].is_some());
            }
            None => assert!(
                matches!(id, OptionId::Slaves | OptionId::NumPeerNotifAlias) || id.is_ours()
            ),
        }
    }
    // Every settable IFLA_BOND_* attribute except UNSPEC and AD_INFO maps to
    // exactly one option.
    assert_eq!(bond_attrs, usize::from(ifla::IFLA_BOND_MAX) - 1);
    assert_eq!(ifla::option_for_bond_attr(ifla::IFLA_BOND_AD_INFO), None);
    assert_eq!(ifla::option_for_bond_attr(ifla::IFLA_BOND_UNSPEC), None);
    assert_eq!(
        ifla::option_for_bond_attr(ifla::IFLA_BOND_NUM_PEER_NOTIF),
        Some(OptionId::NumPeerNotif)
    );
    assert_eq!(
        ifla::option_for_slave_attr(ifla::IFLA_BOND_SLAVE_QUEUE_ID),
        Some(OptionId::QueueId)
    );
    assert_eq!(
        ifla::option_for_slave_attr(ifla::IFLA_BOND_SLAVE_STATE),
        None
    );
    for (i, n) in ifla::BOND_ATTR_NAMES.iter().enumerate() {
        assert!(n.starts_with("IFLA_BOND_"), "{i} {n}");
    }
}

#[test]
fn module_params() {
    assert_eq!(MODULE_PARAMS.len(), 24);
    let names: Vec<_> = MODULE_PARAMS.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "max_bonds",
            "tx_queues",
            "num_grat_arp",
            "num_unsol_na",
            "miimon",
            "updelay",
            "downdelay",
            "use_carrier",
            "mode",
            "primary",
            "primary_reselect",
            "lacp_rate",
            "ad_select",
            "min_links",
            "xmit_hash_policy",
            "arp_interval",
            "arp_ip_target",
            "arp_validate",
            "arp_all_targets",
            "fail_over_mac",
            "all_slaves_active",
            "resend_igmp",
            "packets_per_slave",
            "lp_interval"
        ]
    );
    let arp = params::find_param("arp_ip_target").unwrap();
    assert_eq!(arp.ty, ParamType::CharpArray(16));
    assert_eq!(arp.ty.c_type(), "array of charp");
    assert_eq!(
        params::find_param("lp_interval").unwrap().ty.c_type(),
        "uint"
    );
    assert_eq!(params::find_param("num_grat_arp").unwrap().perm, 0o644);
    assert_eq!(
        params::find_param("num_grat_arp").unwrap().var,
        "num_peer_notif"
    );
    assert!(params::find_param("nope").is_none());
    // bonding-rs's own parameters: after C's, each feeding one of bonding-rs's own options.
    let ours: Vec<_> = params::OURS_PARAMS.iter().map(|p| p.name).collect();
    assert_eq!(ours, ["carrier_events"]);
    for p in params::OURS_PARAMS.iter() {
        assert!(p.option.is_some_and(OptionId::is_ours), "{}", p.name);
        assert!(params::find_param(p.name).is_none(), "{} is C's", p.name);
        assert_eq!(option(p.option.unwrap()).name, p.name);
    }
    // Parameters feeding an option use the option's own name, except the
    // ones whose option is named differently.
    for p in MODULE_PARAMS.iter() {
        if let Some(id) = p.option {
            assert_eq!(option(id).name, p.name, "{}", p.name);
        }
    }
}

#[test]
fn ipv4_targets_parse_like_in4_pton() {
    use bonding_netlink::options::{ipv4_target_ok, parse_ipv4};
    assert_eq!(parse_ipv4(b"10.0.0.1"), Some([10, 0, 0, 1]));
    assert_eq!(parse_ipv4(b"192.168.007.255"), Some([192, 168, 7, 255]));
    // in4_pton() with delim -1: any number of leading zeros; anything that is neither a hex
    // digit nor a dot ends the address.
    assert_eq!(parse_ipv4(b"0001.2.3.4"), Some([1, 2, 3, 4]));
    assert_eq!(parse_ipv4(b"1.2.3.4 "), Some([1, 2, 3, 4]));
    assert_eq!(parse_ipv4(b"1.2.3.4\n"), Some([1, 2, 3, 4]));
    assert_eq!(parse_ipv4(b"1.2.3.4:80"), Some([1, 2, 3, 4]));
    assert_eq!(parse_ipv4(b"1.2.3.4xyz"), Some([1, 2, 3, 4]));
    for bad in [
        &b"1.2.3.4a"[..],
        b"1.2.3.4.",
        b" 1.2.3.4",
        b"1.2.3",
        b"1.2.3:4",
        &b"10.0.0"[..],
        b"10.0.0.1.2",
        b"256.0.0.1",
        b"1..2.3",
        b"a.b.c.d",
        b"",
        b"1234.1.1.1",
    ] {
        assert_eq!(parse_ipv4(bad), None, "{:?}", core::str::from_utf8(bad));
    }
    assert!(ipv4_target_ok([10, 0, 0, 1]));
    assert!(!ipv4_target_ok([255, 255, 255, 255]));
    assert!(!ipv4_target_ok([0, 1, 2, 3]));
    let mut t = [0u8; 16];
    assert!(!bonding_netlink::options::ipv6_target_ok(&t));
    t[15] = 1;
    assert!(!bonding_netlink::options::ipv6_target_ok(&t), "::1");
    t[0] = 0x20;
    assert!(bonding_netlink::options::ipv6_target_ok(&t));
    t[0] = 0xff;
    assert!(!bonding_netlink::options::ipv6_target_ok(&t), "multicast");
}

#[test]
fn mac_pton_as_the_kernel() {
    let m = [0x02, 0x00, 0xab, 0xCD, 0x0e, 0xf1];
    assert_eq!(mac_pton(b"02:00:ab:CD:0e:f1"), Some(m));
    // sysfs hands over what `echo` wrote, newline included; anything after 17 characters is
    // ignored, as by C's mac_pton().
    assert_eq!(mac_pton(b"02:00:ab:cd:0e:f1\n"), Some(m));
    assert_eq!(mac_pton(b"02:00:ab:cd:0e:f1xyz"), Some(m));
    for bad in [
        &b""[..],
        b"02:00:ab:cd:0e:f",
        b"02-00-ab-cd-0e-f1",
        b"2:00:ab:cd:0e:f1x",
        b"02:00:ab:cd:0e:g1",
        b"02:00:ab:cd\x000e:f1",
        b" 02:00:ab:cd:0e:f1",
    ] {
        assert_eq!(mac_pton(bad), None, "{:?}", bad);
    }
}
