// SPDX-License-Identifier: GPL-2.0
/*
 * One-line wrappers of static inline functions and macros for the Rust code
 * (pattern of the kernel's rust/helpers/). Keep every function a single
 * forwarding statement: logic belongs in Rust.
 */

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netdev_lock.h>
#include <net/netlink.h>
#include <net/netns/generic.h>

#include <linux/capability.h>
#include <linux/if_vlan.h>
#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include <linux/netpoll.h>
#include <linux/sched/signal.h>
#include <net/sch_generic.h>
#include <net/xfrm.h>

#include <linux/inetdevice.h>
#include <net/addrconf.h>
#include <net/arp.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/route.h>
#include <net/inet_sock.h>
#include <linux/ipv6.h>
#include <net/tls.h>
#include <linux/filter.h>
#include <net/xdp.h>

#include <generated/utsrelease.h>

#include "helpers.h"

struct net *bondrs_dev_net(const struct net_device *dev) { return dev_net(dev); }
void bondrs_dev_net_set(struct net_device *dev, struct net *net) { dev_net_set(dev, net); }
void *bondrs_net_generic(const struct net *net, unsigned int id) { return net_generic(net, id); }
struct net_device *bondrs_first_net_device(struct net *net) { return first_net_device(net); }
struct net_device *bondrs_next_net_device(struct net_device *dev) { return next_net_device(dev); }
struct net_device *bondrs_first_net_device_rcu(struct net *net) { return list_first_or_null_rcu(&net->dev_base_head, struct net_device, dev_list); }
struct net_device *bondrs_next_net_device_rcu(struct net_device *dev) { return next_net_device_rcu(dev); }
void bondrs_dev_core_stats_tx_dropped_inc(struct net_device *dev) { dev_core_stats_tx_dropped_inc(dev); }
void bondrs_dev_kfree_skb_any(struct sk_buff *skb) { dev_kfree_skb_any(skb); }
void bondrs_eth_hw_addr_random(struct net_device *dev) { eth_hw_addr_random(dev); }
bool bondrs_is_zero_ether_addr(const u8 *addr) { return is_zero_ether_addr(addr); }
void bondrs_dev_addr_set(struct net_device *dev, const u8 *addr) { dev_addr_set(dev, addr); }
void bondrs___dev_addr_set(struct net_device *dev, const void *addr, size_t len) { __dev_addr_set(dev, addr, len); }
bool bondrs_netif_is_macvlan(const struct net_device *dev) { return netif_is_macvlan(dev); }
int bondrs_skb_cow_head(struct sk_buff *skb, unsigned int headroom) { return skb_cow_head(skb, headroom); }
int bondrs_nla_len(const struct nlattr *nla) { return nla_len(nla); }
void *bondrs_nla_data(const struct nlattr *nla) { return nla_data(nla); }
void bondrs_netdev_lockdep_set_classes(struct net_device *dev) { netdev_lockdep_set_classes(dev); }
void bondrs_sysfs_attr_init(struct attribute *attr) { sysfs_attr_init(attr); }
const struct ns_common *bondrs_net_ns_common(const struct net *net) { return to_ns_common(net); }

/* netdev state */
void bondrs_netif_addr_lock_bh(struct net_device *dev) { netif_addr_lock_bh(dev); }
void bondrs_netif_addr_unlock_bh(struct net_device *dev) { netif_addr_unlock_bh(dev); }
void bondrs_netdev_lock_ops(struct net_device *dev) { netdev_lock_ops(dev); }
void bondrs_netdev_unlock_ops(struct net_device *dev) { netdev_unlock_ops(dev); }
bool bondrs_netdev_need_ops_lock(const struct net_device *dev) { return netdev_need_ops_lock(dev); }
void bondrs_dev_hold(struct net_device *dev) { dev_hold(dev); }
void bondrs_dev_put(struct net_device *dev) { dev_put(dev); }
bool bondrs_netif_is_bridge_port(const struct net_device *dev) { return netif_is_bridge_port(dev); }
struct net_device *bondrs_ip_dev_find(struct net *net, __be32 addr) { return ip_dev_find(net, addr); }
void *bondrs_rx_handler_data(const struct net_device *dev) { return rcu_dereference_rtnl(dev->rx_handler_data); }
void *bondrs_rx_handler(const struct net_device *dev) { return rcu_dereference_rtnl(dev->rx_handler); }
struct net_device *bondrs_notifier_info_to_dev(void *ptr) { return netdev_notifier_info_to_dev(ptr); }
/* sk_buff */
struct sk_buff *bondrs_skb_share_check(struct sk_buff *skb) { return skb_share_check(skb, GFP_ATOMIC); }
void bondrs_skb_set_dev(struct sk_buff *skb, struct net_device *dev) { skb->dev = dev; }
struct sk_buff *bondrs_dev_alloc_skb(unsigned int len) { return dev_alloc_skb(len); }
void bondrs_skb_reserve(struct sk_buff *skb, int len) { skb_reserve(skb, len); }
void bondrs_skb_reset_mac_header(struct sk_buff *skb) { skb_reset_mac_header(skb); }
void bondrs_skb_set_network_header(struct sk_buff *skb, int off) { skb_set_network_header(skb, off); }
void bondrs_skb_set_protocol(struct sk_buff *skb, __be16 proto) { skb->protocol = proto; }
void bondrs_skb_set_priority(struct sk_buff *skb, u32 prio) { skb->priority = prio; }
void bondrs_spin_lock_bh(spinlock_t *l) { spin_lock_bh(l); }
bool bondrs_bh_off(void) { return softirq_count() || irqs_disabled(); }
bool bondrs_netif_is_any_bridge_master(const struct net_device *dev) { return netif_is_any_bridge_master(dev); }
int bondrs_spin_trylock_bh(spinlock_t *l) { return spin_trylock_bh(l); }
void bondrs_spin_unlock_bh(spinlock_t *l) { spin_unlock_bh(l); }
int bondrs_dev_queue_xmit(struct sk_buff *skb) { return dev_queue_xmit(skb); }
void bondrs_consume_skb(struct sk_buff *skb) { consume_skb(skb); }
/* work */
void bondrs_init_delayed_work(struct delayed_work *w, work_func_t fn) { INIT_DELAYED_WORK(w, fn); }
bool bondrs_queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *w, unsigned long delay) { return queue_delayed_work(wq, w, delay); }
bool bondrs_mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *w, unsigned long delay) { return mod_delayed_work(wq, w, delay); }
struct workqueue_struct *bondrs_alloc_ordered_workqueue(const char *name) { return alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name); }
unsigned long bondrs_msecs_to_jiffies(unsigned int ms) { return msecs_to_jiffies(ms); }
/* netlink */
int bondrs_nla_put_u8(struct sk_buff *skb, int type, u8 v) { return nla_put_u8(skb, type, v); }
int bondrs_nla_put_u16(struct sk_buff *skb, int type, u16 v) { return nla_put_u16(skb, type, v); }
int bondrs_nla_put_u32(struct sk_buff *skb, int type, u32 v) { return nla_put_u32(skb, type, v); }
int bondrs_nla_put_u64_64bit(struct sk_buff *skb, int type, u64 v, int pad) { return nla_put_u64_64bit(skb, type, v, pad); }
struct nlattr *bondrs_nla_nest_start_noflag(struct sk_buff *skb, int type) { return nla_nest_start_noflag(skb, type); }
struct nlattr *bondrs_nla_nest_start(struct sk_buff *skb, int type) { return nla_nest_start(skb, type); }
int bondrs_nla_nest_end(struct sk_buff *skb, struct nlattr *start) { return nla_nest_end(skb, start); }
void bondrs_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start) { nla_nest_cancel(skb, start); }
/* procfs */
void *bondrs_seq_private(struct seq_file *m) { return m->private; }
struct proc_dir_entry *bondrs_net_proc_net(const struct net *net) { return net->proc_net; }
bool bondrs_capable_net_admin(void) { return capable(CAP_NET_ADMIN); }
const char *bondrs_uts_release(void) { return UTS_RELEASE; }
bool bondrs_linkwatch_pending(const struct net_device *dev) { return test_bit(__LINK_STATE_LINKWATCH_PENDING, &dev->state); }
bool bondrs_has_set_mac_address(const struct net_device *dev) { return dev->netdev_ops->ndo_set_mac_address != NULL; }
void bondrs_eth_random_addr(u8 *addr) { eth_random_addr(addr); }
void bondrs_write_mtu(struct net_device *dev, unsigned int mtu) { WRITE_ONCE(dev->mtu, mtu); }
netdev_features_t bondrs_netdev_base_features(netdev_features_t f) { return netdev_base_features(f); }
netdev_features_t bondrs_netdev_add_tso_features(netdev_features_t f, netdev_features_t mask) { return netdev_add_tso_features(f, mask); }
bool bondrs_dev_unregistering(const struct net_device *dev) { return dev->reg_state == NETREG_UNREGISTERING; }
int bondrs_restart_syscall(void) { return restart_syscall(); }
bool bondrs_dev_registered(const struct net_device *dev) { return dev->reg_state == NETREG_REGISTERED; }
bool bondrs_irqs_disabled(void) { return irqs_disabled(); }

/* xfrm */
void bondrs_xfrm_state_lock_bh(struct xfrm_state *x) { spin_lock_bh(&x->lock); }
void bondrs_xfrm_state_unlock_bh(struct xfrm_state *x) { spin_unlock_bh(&x->lock); }
bool bondrs_ns_capable_net_admin(const struct net *net) { return ns_capable(net->user_ns, CAP_NET_ADMIN); }

/* ARP and NS link monitors */
struct rtable *bondrs_ip_route_output_link(struct net *net, __be32 daddr) { return ip_route_output(net, daddr, 0, 0, 0, RT_SCOPE_LINK); }
struct dst_entry *bondrs_rt_dst(struct rtable *rt) { return &rt->dst; }
void bondrs_ip_rt_put(struct rtable *rt) { ip_rt_put(rt); }
struct dst_entry *bondrs_ip6_route_output_to(struct net *net, const struct in6_addr *daddr) { struct flowi6 fl6 = { .daddr = *daddr }; return ip6_route_output(net, NULL, &fl6); }
int bondrs_dst_error(const struct dst_entry *dst) { return dst->error; }
struct net_device *bondrs_dst_dev(const struct dst_entry *dst) { return dst_dev(dst); }
struct in_device *bondrs_in_dev_get_rcu(const struct net_device *dev) { return __in_dev_get_rcu(dev); }
bool bondrs_is_vlan_dev(const struct net_device *dev) { return is_vlan_dev(dev); }
struct sk_buff *bondrs_vlan_insert_tag_set_proto(struct sk_buff *skb, __be16 proto, u16 vid) { return vlan_insert_tag_set_proto(skb, proto, vid); }
void bondrs_vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 proto, u16 vid) { __vlan_hwaccel_put_tag(skb, proto, vid); }
bool bondrs_ipv6_mod_enabled(void) { return ipv6_mod_enabled(); }

/* per-CPU counter (balance-rr) */
u32 __percpu *bondrs_alloc_percpu_u32(void) { return alloc_percpu(u32); }
u32 bondrs_this_cpu_inc_return_u32(u32 __percpu *p) { return this_cpu_inc_return(*p); }

/* the lower-device queries of other kernel code (ndo_get_xmit_slave, ndo_sk_get_lower_dev) */
void bondrs_local_bh_disable(void) { local_bh_disable(); }
void bondrs_local_bh_enable(void) { local_bh_enable(); }
__be16 bondrs_inet_sport(const struct sock *sk) { return inet_sk(sk)->inet_sport; }
bool bondrs_ipv6_only_sock(const struct sock *sk) { return ipv6_only_sock(sk); }
#if IS_ENABLED(CONFIG_IPV6)
const struct in6_addr *bondrs_inet6_saddr(const struct sock *sk) { return inet6_sk(sk) ? &inet6_sk(sk)->saddr : NULL; }
#endif
#if IS_ENABLED(CONFIG_TLS_DEVICE)
struct net_device *bondrs_tls_offload_netdev(const struct sk_buff *skb) { return rcu_dereference(tls_get_ctx(skb->sk)->netdev); }
#endif

/* XDP on the bond (C bond_xdp_*()) */
bool bondrs_has_xdp_ops(const struct net_device *dev) { return dev->netdev_ops->ndo_bpf && dev->netdev_ops->ndo_xdp_xmit; }
int bondrs_xdp_xmit_one(struct net_device *dev, struct xdp_frame *f, u32 flags) { return dev->netdev_ops->ndo_xdp_xmit(dev, 1, &f, flags); }
void bondrs_master_redirect_inc(void) { static_branch_inc(&bpf_master_redirect_enabled_key); }
void bondrs_master_redirect_dec(void) { static_branch_dec(&bpf_master_redirect_enabled_key); }
