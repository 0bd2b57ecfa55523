/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the one-line C wrappers in helpers.c: static inline functions
 * and macros of the kernel headers, made callable from Rust (same pattern as
 * the kernel's rust/helpers/). No logic lives here.
 */
#ifndef BONDRS_HELPERS_H
#define BONDRS_HELPERS_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/percpu.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <linux/seq_file.h>
#include <linux/proc_fs.h>
#include <linux/workqueue.h>

struct net *bondrs_dev_net(const struct net_device *dev);
void bondrs_dev_net_set(struct net_device *dev, struct net *net);
void *bondrs_net_generic(const struct net *net, unsigned int id);
struct net_device *bondrs_first_net_device(struct net *net);
struct net_device *bondrs_next_net_device(struct net_device *dev);
struct net_device *bondrs_first_net_device_rcu(struct net *net);
struct net_device *bondrs_next_net_device_rcu(struct net_device *dev);
void bondrs_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void bondrs_dev_kfree_skb_any(struct sk_buff *skb);
void bondrs_eth_hw_addr_random(struct net_device *dev);
bool bondrs_is_zero_ether_addr(const u8 *addr);
void bondrs_dev_addr_set(struct net_device *dev, const u8 *addr);
void bondrs___dev_addr_set(struct net_device *dev, const void *addr, size_t len);
bool bondrs_netif_is_macvlan(const struct net_device *dev);
int bondrs_skb_cow_head(struct sk_buff *skb, unsigned int headroom);
int bondrs_nla_len(const struct nlattr *nla);
void *bondrs_nla_data(const struct nlattr *nla);
void bondrs_netdev_lockdep_set_classes(struct net_device *dev);
void bondrs_sysfs_attr_init(struct attribute *attr);
const struct ns_common *bondrs_net_ns_common(const struct net *net);

/* netdev state */
void bondrs_netif_addr_lock_bh(struct net_device *dev);
void bondrs_netif_addr_unlock_bh(struct net_device *dev);
void bondrs_netdev_lock_ops(struct net_device *dev);
void bondrs_netdev_unlock_ops(struct net_device *dev);
bool bondrs_netdev_need_ops_lock(const struct net_device *dev);
void bondrs_dev_hold(struct net_device *dev);
void bondrs_dev_put(struct net_device *dev);
bool bondrs_netif_is_bridge_port(const struct net_device *dev);
struct net_device *bondrs_ip_dev_find(struct net *net, __be32 addr);
void *bondrs_rx_handler_data(const struct net_device *dev);
void *bondrs_rx_handler(const struct net_device *dev);
struct net_device *bondrs_notifier_info_to_dev(void *ptr);
/* sk_buff */
struct sk_buff *bondrs_skb_share_check(struct sk_buff *skb);
void bondrs_skb_set_dev(struct sk_buff *skb, struct net_device *dev);
struct sk_buff *bondrs_dev_alloc_skb(unsigned int len);
void bondrs_skb_reserve(struct sk_buff *skb, int len);
void bondrs_skb_reset_mac_header(struct sk_buff *skb);
void bondrs_skb_set_network_header(struct sk_buff *skb, int off);
void bondrs_skb_set_protocol(struct sk_buff *skb, __be16 proto);
void bondrs_skb_set_priority(struct sk_buff *skb, u32 prio);
/* locks */
void bondrs_spin_lock_bh(spinlock_t *l);
bool bondrs_bh_off(void);
bool bondrs_netif_is_any_bridge_master(const struct net_device *dev);
int bondrs_spin_trylock_bh(spinlock_t *l);
void bondrs_spin_unlock_bh(spinlock_t *l);
int bondrs_dev_queue_xmit(struct sk_buff *skb);
void bondrs_consume_skb(struct sk_buff *skb);
/* work */
void bondrs_init_delayed_work(struct delayed_work *w, work_func_t fn);
bool bondrs_queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *w, unsigned long delay);
bool bondrs_mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *w, unsigned long delay);
struct workqueue_struct *bondrs_alloc_ordered_workqueue(const char *name);
unsigned long bondrs_msecs_to_jiffies(unsigned int ms);
/* netlink */
int bondrs_nla_put_u8(struct sk_buff *skb, int type, u8 v);
int bondrs_nla_put_u16(struct sk_buff *skb, int type, u16 v);
int bondrs_nla_put_u32(struct sk_buff *skb, int type, u32 v);
int bondrs_nla_put_u64_64bit(struct sk_buff *skb, int type, u64 v, int pad);
struct nlattr *bondrs_nla_nest_start_noflag(struct sk_buff *skb, int type);
struct nlattr *bondrs_nla_nest_start(struct sk_buff *skb, int type);
int bondrs_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void bondrs_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);
/* procfs */
void *bondrs_seq_private(struct seq_file *m);
struct proc_dir_entry *bondrs_net_proc_net(const struct net *net);
bool bondrs_capable_net_admin(void);
const char *bondrs_uts_release(void);
bool bondrs_linkwatch_pending(const struct net_device *dev);
bool bondrs_has_set_mac_address(const struct net_device *dev);
void bondrs_eth_random_addr(u8 *addr);
void bondrs_write_mtu(struct net_device *dev, unsigned int mtu);
netdev_features_t bondrs_netdev_base_features(netdev_features_t f);
netdev_features_t bondrs_netdev_add_tso_features(netdev_features_t f, netdev_features_t mask);
bool bondrs_dev_unregistering(const struct net_device *dev);
int bondrs_restart_syscall(void);
bool bondrs_dev_registered(const struct net_device *dev);
bool bondrs_irqs_disabled(void);
struct xfrm_state;
void bondrs_xfrm_state_lock_bh(struct xfrm_state *x);
void bondrs_xfrm_state_unlock_bh(struct xfrm_state *x);
bool bondrs_ns_capable_net_admin(const struct net *net);
struct rtable;
struct dst_entry;
struct in6_addr;
struct in_device;
struct rtable *bondrs_ip_route_output_link(struct net *net, __be32 daddr);
struct dst_entry *bondrs_rt_dst(struct rtable *rt);
void bondrs_ip_rt_put(struct rtable *rt);
struct dst_entry *bondrs_ip6_route_output_to(struct net *net, const struct in6_addr *daddr);
int bondrs_dst_error(const struct dst_entry *dst);
struct net_device *bondrs_dst_dev(const struct dst_entry *dst);
struct in_device *bondrs_in_dev_get_rcu(const struct net_device *dev);
bool bondrs_is_vlan_dev(const struct net_device *dev);
struct sk_buff *bondrs_vlan_insert_tag_set_proto(struct sk_buff *skb, __be16 proto, u16 vid);
void bondrs_vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 proto, u16 vid);
bool bondrs_ipv6_mod_enabled(void);

u32 __percpu *bondrs_alloc_percpu_u32(void);
u32 bondrs_this_cpu_inc_return_u32(u32 __percpu *p);

/* the lower-device queries of other kernel code */
struct sock;
void bondrs_local_bh_disable(void);
void bondrs_local_bh_enable(void);
__be16 bondrs_inet_sport(const struct sock *sk);
bool bondrs_ipv6_only_sock(const struct sock *sk);
#if IS_ENABLED(CONFIG_IPV6)
const struct in6_addr *bondrs_inet6_saddr(const struct sock *sk);
#endif
#if IS_ENABLED(CONFIG_TLS_DEVICE)
struct net_device *bondrs_tls_offload_netdev(const struct sk_buff *skb);
#endif

/* XDP on the bond */
struct xdp_buff;
struct xdp_frame;
bool bondrs_has_xdp_ops(const struct net_device *dev);
int bondrs_xdp_xmit_one(struct net_device *dev, struct xdp_frame *f, u32 flags);
void bondrs_master_redirect_inc(void);
void bondrs_master_redirect_dec(void);

#endif
