#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate src/bindings_generated.rs: bindgen over src/bindings_helper.h with
# exactly the flags the kernel used for its own rust/bindings (read from
# $KDIR/rust/bindings/.bindings_generated.rs.cmd), restricted by allowlists to
# what bonding-rs uses. Called by Kbuild; can also be run by hand:
#
#   scripts/gen-bindings.sh KDIR OUTPUT [DEPFILE]
#
# Environment: BINDGEN (default: bindgen from PATH, else ~/.cargo/bin/bindgen).
set -euo pipefail

kdir=$(cd "${1:?usage: gen-bindings.sh KDIR OUTPUT [DEPFILE]}" && pwd)
out=${2:?usage: gen-bindings.sh KDIR OUTPUT [DEPFILE]}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
dep=${3:-}
case "$dep" in ""|/*) ;; *) dep="$PWD/$dep" ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
header="$here/src/bindings_helper.h"

cmdfile="$kdir/rust/bindings/.bindings_generated.rs.cmd"
[ -r "$cmdfile" ] || { echo "gen-bindings: $cmdfile missing (kernel not built with CONFIG_RUST?)" >&2; exit 1; }

bindgen=${BINDGEN:-bindgen}
if ! command -v "$bindgen" >/dev/null 2>&1; then
	if [ -x "$HOME/.cargo/bin/bindgen" ]; then bindgen="$HOME/.cargo/bin/bindgen"
	else echo "gen-bindings: bindgen not found (set BINDGEN)" >&2; exit 1; fi
fi

# The recorded command: "savedcmd_... := bindgen HEADER OPTS -o OUT -- CFLAGS ; sed ..."
line=$(grep -m1 '^savedcmd_' "$cmdfile")
line=${line#*:= }
line=${line%%; sed *}
read -r -a words <<<"$line"   # flags contain no spaces inside quotes except none we keep

bg_opts=() clang_opts=() seen_dashdash=0 skip=0
for ((i = 1; i < ${#words[@]}; i++)); do
	w=${words[$i]}
	if ((skip)); then skip=0; continue; fi
	if ((!seen_dashdash)); then
		case "$w" in
		--) seen_dashdash=1 ;;
		*/rust/bindings/bindings_helper.h) ;;              # the kernel's header: replaced by ours
		--with-attribute-custom-enum=*) ;;                 # cfi_encoding attrs need a nightly feature
		-o) skip=1 ;;                                      # output: ours below
		*) bg_opts+=("$w") ;;
		esac
	else
		case "$w" in
		-Wp,-MMD,*) ;;                                     # depfile: ours below
		-DKBUILD_MODFILE=*|-DKBUILD_BASENAME=*|-DKBUILD_MODNAME=*|-D__KBUILD_MODNAME=*) ;;
		*) clang_opts+=("$w") ;;
		esac
	fi
done
# Strip the shell quoting kept in the .cmd file ('.*' -> .*).
for i in "${!bg_opts[@]}"; do w=${bg_opts[$i]}; w=${w#\'}; bg_opts[$i]=${w%\'}; done

allow=(
	# module parameters and modinfo
	--allowlist-type 'kernel_param(_ops)?' --allowlist-type kparam_array
	--allowlist-var 'param_ops_(int|uint|charp)' --allowlist-var param_array_ops
	--allowlist-var __this_module
	# net_device lifetime and ops
	--allowlist-type net_device --allowlist-type net_device_ops --allowlist-type ethtool_ops
	--allowlist-type ethtool_drvinfo --allowlist-type header_ops --allowlist-type ifreq --allowlist-type mii_ioctl_data --allowlist-type netpoll --allowlist-function '__netpoll_(setup|free)' --allowlist-function netpoll_send_skb --allowlist-function skb_clone --allowlist-function netpoll_poll_dev --allowlist-type device_attribute --allowlist-type attribute_group --allowlist-type kobj_type --allowlist-type sysfs_ops --allowlist-function 'kobject_(init_and_add|put)' --allowlist-function 'sysfs_(create|remove)_files' --allowlist-function notifier_to_errno --allowlist-type device_type --allowlist-type 'netdev_tx(_t)?'
	--allowlist-function alloc_netdev_mqs --allowlist-function free_netdev
	--allowlist-function register_netdevice --allowlist-function unregister_netdevice_queue
	--allowlist-function ether_setup --allowlist-function netif_carrier_off
	--allowlist-function dev_valid_name --allowlist-function ethtool_op_get_link
	--allowlist-function 'rtnl_(lock|unlock|is_locked|trylock)'
	# rtnl_link_ops
	--allowlist-type rtnl_link_ops --allowlist-type rtnl_newlink_params --allowlist-type nlattr
	--allowlist-type netlink_ext_ack
	--allowlist-function 'rtnl_link_(un)?register'
	--allowlist-var 'IFLA_BOND_.*' --allowlist-type 'IFLA_.*' --allowlist-var 'IFLA_(ADDRESS|BOND_MAX)'
	# per-netns state and /sys/class/net/bonding_masters
	--allowlist-type pernet_operations --allowlist-type class_attribute --allowlist-type net
	--allowlist-function '(un)?register_pernet_subsys'
	--allowlist-function 'netdev_class_(create|remove)_file_ns' --allowlist-function netdev_name_in_use
	--allowlist-function sysfs_emit_at --allowlist-var init_net
	# slaves: device operations used on enslave/release
	--allowlist-function 'dev_set_(mtu|mac_address|promiscuity|allmulti)' --allowlist-function 'dev_(open|close)'
	--allowlist-function 'dev_(uc|mc)_(sync|unsync|sync_multiple|flush)' --allowlist-function dev_disable_lro
	--allowlist-function 'vlan_vids_(add|del)_by_dev' --allowlist-function vlan_uses_dev
	--allowlist-function 'netdev_rx_handler_(un)?register' --allowlist-function netdev_is_rx_handler_busy
	--allowlist-function netdev_master_upper_dev_link --allowlist-function netdev_upper_dev_unlink
	--allowlist-function netdev_has_upper_dev --allowlist-function netdev_master_upper_dev_get
	--allowlist-function netdev_lower_state_changed --allowlist-type netdev_lag_upper_info
	--allowlist-type netdev_lag_lower_state_info
	--allowlist-function netif_get_link_ksettings --allowlist-type ethtool_link_ksettings
	--allowlist-function call_netdevice_notifiers --allowlist-function netdev_compute_master_upper_features
	--allowlist-function dev_get_stats --allowlist-type rtnl_link_stats64 --allowlist-function netif_carrier_on
	--allowlist-function '__dev_get_by_(name|index)' --allowlist-function netif_pre_changeaddr_notify
	--allowlist-function '(un)?register_netdevice_notifier' --allowlist-type notifier_block
	--allowlist-function 'netdev_(info|warn|err|dbg|printk)' --allowlist-function eth_random_addr
	--allowlist-type __kernel_sockaddr_storage --allowlist-function get_random_u32 --allowlist-var 'NETDEV_.*' --allowlist-type 'netdev_cmd'
	--allowlist-var 'RX_HANDLER_.*' --allowlist-type rx_handler_result --allowlist-type 'rx_handler_(result_t|func_t)'
	--allowlist-function 'skb_copy_bits' --allowlist-function skb_put --allowlist-function 'kfree_skb' --allowlist-function 'vlan_vid_(add|del)' --allowlist-function passthru_features_check --allowlist-function 'netdev_(increment_features)' --allowlist-var 'PORT_OTHER' --allowlist-function '__skb_flow_dissect' --allowlist-function '__netif_set_mtu' --allowlist-function 'skb_flow_dissector_init' --allowlist-function 'flow_get_u32_(src|dst)' --allowlist-type flow_keys --allowlist-type flow_dissector --allowlist-type flow_dissector_key --allowlist-type 'flow_dissector_key_id'
	# IPsec offload
	--allowlist-type xfrm_state --allowlist-type xfrmdev_ops --allowlist-function xfrm_dev_state_flush
	--allowlist-function netdev_update_features --allowlist-function net_ratelimit
	--allowlist-type kernel_ethtool_ts_info --allowlist-function ethtool_get_ts_info_by_layer
	--allowlist-type kernel_hwtstamp_config --allowlist-function 'generic_hwtstamp_(get|set)_lower'
	# RCU, work, procfs
	--allowlist-function call_rcu --allowlist-function synchronize_net --allowlist-function destroy_workqueue --allowlist-type callback_head --allowlist-function cancel_delayed_work_sync
	--allowlist-type delayed_work --allowlist-function 'proc_(mkdir|create_single_data|remove)'
	--allowlist-function remove_proc_entry --allowlist-function 'seq_(write|puts)' --allowlist-type seq_file
	--allowlist-function 'single_open' --allowlist-var 'NLA_.*' --allowlist-type nla_policy
	--allowlist-function 'nla_put' --allowlist-type netlink_range_validation --allowlist-type nla_policy_validation
	--allowlist-type ethtool_link_ksettings --allowlist-function ethtool_convert_legacy_u32_to_link_mode
	# ARP and NS link monitors
	--allowlist-function arp_create --allowlist-function arp_xmit --allowlist-function inet_confirm_addr
	--allowlist-function dst_release --allowlist-function ipv6_dev_get_saddr --allowlist-function ipv6_chk_addr
	--allowlist-function 'ndisc_(ns_create|send_skb|mc_map)' --allowlist-function 'dev_mc_(add|del)'
	--allowlist-function 'netdev_walk_all_upper_dev_rcu' --allowlist-function netdev_upper_get_next_dev_rcu
	--allowlist-function 'vlan_dev_vlan_(id|proto)' --allowlist-type netdev_nested_priv
	# the transmit path's inline reads (C's static inlines, done in Rust), per-CPU counter
	--allowlist-type netdev_state_t --allowlist-type qdisc_skb_cb --allowlist-function __dev_queue_xmit
	--allowlist-function free_percpu --allowlist-function '_raw_spin_(un)?lock'
	# what other kernel code asks of a bond: NETDEV_BONDING_INFO, the sockets of
	# ndo_sk_get_lower_dev, the kTLS device offload test of the transmit path
	--allowlist-function netdev_bonding_info_change --allowlist-type netdev_bonding_info
	--allowlist-function tls_validate_xmit_skb
	--allowlist-var 'TCPF_(TIME_WAIT|NEW_SYN_RECV)' --allowlist-var 'AF_INET6?'
	# XDP on the bond: the program's references, its propagation to the slaves, the XDP features
	--allowlist-type netdev_bpf --allowlist-type bpf_netdev_command
	--allowlist-function 'bpf_prog_(inc|put)' --allowlist-function 'dev_xdp_(prog_count|propagate)'
	--allowlist-function xdp_set_features_flag --allowlist-type netdev_xdp_act
	# our one-line C helpers (src/helpers.c)
	--allowlist-function 'bondrs_.*'
	# constants (RUST_CONST_HELPER_*, see src/bindings_helper.h)
	--allowlist-var 'RUST_CONST_HELPER_.*'
)

tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
cd "$kdir"
"$bindgen" "$header" "${bg_opts[@]}" "${allow[@]}" -o "$tmp" -- \
	${dep:+-Wp,-MMD,"$dep"} "${clang_opts[@]}" -I"$here/src" \
	-DKBUILD_MODNAME='"bonding"' -D__KBUILD_MODNAME=bonding
sed -Ei 's/pub const RUST_CONST_HELPER_([a-zA-Z0-9_]*)/pub const \1/g' "$tmp"
mv -f "$tmp" "$out"
