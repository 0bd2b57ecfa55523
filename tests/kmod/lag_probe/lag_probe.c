// SPDX-License-Identifier: GPL-2.0
/*
 * lag_probe: a test-only module that asks a bond what other kernel code asks of it, and prints
 * what it got (tests/guest/lag_hooks.sh runs the same sequence on bonding-rs and on the C
 * driver and diffs the kernel logs). No NIC of the kind that uses these hooks (mlx4/mlx5 RoCE
 * LAG, ice SR-IOV LAG, kTLS device offload) exists in the test guests; this module stands in
 * for them.
 *
 * - NETDEV_BONDING_INFO: every event is printed with the content of its netdev_bonding_info
 *   (slave_id is not: C leaves it uninitialised), and counted in
 *   /sys/kernel/debug/lag_probe/events (the test waits on it).
 * - /sys/kernel/debug/lag_probe/xmit: "BOND ALL KIND SRC DST [SPORT DPORT [N]]" builds a frame
 *   as the bond would transmit it (KIND udp, tcp, udp6, tcp6, igmp, arpreq, arprep) and prints
 *   netdev_get_xmit_slave(BOND, skb, ALL) (the ndo_get_xmit_slave of RoCE LAG); N > 1 asks N
 *   times, the source port one higher each time. Asked with bottom halves off, as C's balance-tlb
 *   choice takes its lock with spin_lock() (its transmit path's).
 * - /sys/kernel/debug/lag_probe/sk: "BOND KIND SRC DST SPORT DPORT [v6only]" makes a socket
 *   with those addresses and ports (KIND tcp, udp, tcp6, udp6) and prints
 *   netdev_sk_get_lowest_dev(BOND, sk) (ndo_sk_get_lower_dev, as kTLS device offload asks).
 * - /sys/kernel/debug/lag_probe/link: "DEV up|down|carrier-on|carrier-off", as ip link set
 *   (the carrier of the lagpN devices only).
 * - /sys/kernel/debug/lag_probe/netpoll: "BOND on|off|poll|xmit": netpoll on the bond, as
 *   netconsole sets it up (one bond at a time); "poll" polls the bond as netpoll does (its
 *   ndo_poll_controller polls the slaves it chooses: the lagpN devices print their
 *   ndo_poll_controller calls); "xmit" transmits a frame through the bond's ndo_start_xmit as
 *   netpoll does (interrupts off) and prints whether the bond took it or said busy. The same
 *   transmit is made at each NETDEV_BONDING_FAILOVER of that bond, while the failover runs
 *   (C blocks netpoll's transmits then: block_netpoll_tx()).
 * - ndevs Ethernet devices lagpN that drop what they transmit, take any MAC address, set their
 *   carrier on request (ip link set lagpN carrier on|off) and have an ndo_neigh_setup that
 *   prints its calls for other devices' neighbours (a bond's ndo_neigh_setup passes the first
 *   slave's down), and a neigh_setup that prints the neighbours it is called for.
 */
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/neighbour.h>
#include <net/sock.h>

static int ndevs = 4;
module_param(ndevs, int, 0444);
MODULE_PARM_DESC(ndevs, "number of lagpN devices (default 4)");

#define MAX_DEVS 32
static struct net_device *devs[MAX_DEVS];
static int ndevs_made;
static struct dentry *dir;
static atomic_t events = ATOMIC_INIT(0);
static struct netpoll *probe_np;	/* under RTNL */
static void netpoll_xmit(struct net_device *bond, const char *when);

/* ---- NETDEV_BONDING_INFO ----------------------------------------------------------------- */

static int probe_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netdev_notifier_bonding_info *info = ptr;
	struct netdev_bonding_info *b = &info->bonding_info;

	if (event == NETDEV_UNREGISTER && probe_np &&
	    probe_np->dev == netdev_notifier_info_to_dev(ptr)) {
		__netpoll_free(probe_np);
		probe_np = NULL;
	}
	if (event == NETDEV_BONDING_FAILOVER && probe_np &&
	    probe_np->dev == netdev_notifier_info_to_dev(ptr))
		netpoll_xmit(probe_np->dev, "during its failover");
	if (event != NETDEV_BONDING_INFO)
		return NOTIFY_DONE;
	atomic_inc(&events);
	pr_info("lag_probe: NETDEV_BONDING_INFO %s: slave %.16s link %d state %d link_failure_count %u; master mode %d miimon %d num_slaves %d\n",
		netdev_notifier_info_to_dev(ptr)->name, b->slave.slave_name, b->slave.link,
		b->slave.state, b->slave.link_failure_count, b->master.bond_mode,
		b->master.miimon, b->master.num_slaves);
	return NOTIFY_DONE;
}

static struct notifier_block probe_nb = {
	.notifier_call = probe_netdev_event,
};

/* ---- the lagpN devices ------------------------------------------------------------------- */

static netdev_tx_t probe_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int probe_neigh_init(struct neighbour *n)
{
	if (n->tbl->family == AF_INET)
		pr_info("lag_probe: neigh_setup of %s for %pI4\n", n->dev->name, n->primary_key);
	else
		pr_info("lag_probe: neigh_setup of %s for %pI6c\n", n->dev->name, n->primary_key);
	return 0;
}

static int probe_neigh_setup(struct net_device *dev, struct neigh_parms *parms)
{
	/* Our own parameters: nothing to see (and nothing printed at our registration). */
	if (parms->dev == dev)
		return 0;
	pr_info("lag_probe: ndo_neigh_setup %s, parms of %s\n", dev->name,
		parms->dev ? parms->dev->name : "(none)");
	parms->neigh_setup = probe_neigh_init;
	return 0;
}

static int probe_change_carrier(struct net_device *dev, bool on)
{
	if (on)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
	return 0;
}

#ifdef CONFIG_NET_POLL_CONTROLLER
static void probe_poll_controller(struct net_device *dev)
{
	pr_info("lag_probe: ndo_poll_controller %s\n", dev->name);
}
#endif

static const struct net_device_ops probe_ops = {
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller = probe_poll_controller,
#endif
	.ndo_start_xmit = probe_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_neigh_setup = probe_neigh_setup,
	.ndo_change_carrier = probe_change_carrier,
};

static void probe_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &probe_ops;
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;
	dev->lltx = true;
}

/* ---- queries ----------------------------------------------------------------------------- */

static const u8 peer_mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

/* A frame from the bond's address, laid out as the bond's ndo_start_xmit gets it: skb->data at
 * the Ethernet header, the network header after it. */
static struct sk_buff *make_frame(struct net_device *bond, const char *kind, const char *src,
				  const char *dst, u16 sport, u16 dport)
{
	bool v6 = !strcmp(kind, "udp6") || !strcmp(kind, "tcp6");
	bool arp = !strncmp(kind, "arp", 3);
	bool tcp = !strcmp(kind, "tcp") || !strcmp(kind, "tcp6");
	u8 proto = tcp ? IPPROTO_TCP : !strcmp(kind, "igmp") ? IPPROTO_IGMP : IPPROTO_UDP;
	u8 s[16] = {}, d[16] = {};
	struct sk_buff *skb;
	struct ethhdr *eth;

	if (v6 ? !in6_pton(src, -1, s, -1, NULL) || !in6_pton(dst, -1, d, -1, NULL)
	       : !in4_pton(src, -1, s, -1, NULL) || !in4_pton(dst, -1, d, -1, NULL))
		return NULL;
	skb = alloc_skb(LL_MAX_HEADER + 128, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_mac_header(skb);
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, !strcmp(kind, "arpreq") ? bond->broadcast : peer_mac);
	ether_addr_copy(eth->h_source, bond->dev_addr);
	skb_set_network_header(skb, ETH_HLEN);
	skb->dev = bond;
	if (arp) {
		struct arphdr *a = skb_put_zero(skb, sizeof(*a) + 2 * (ETH_ALEN + 4));
		u8 *p = (u8 *)(a + 1);

		eth->h_proto = skb->protocol = htons(ETH_P_ARP);
		a->ar_hrd = htons(ARPHRD_ETHER);
		a->ar_pro = htons(ETH_P_IP);
		a->ar_hln = ETH_ALEN;
		a->ar_pln = 4;
		a->ar_op = htons(!strcmp(kind, "arpreq") ? ARPOP_REQUEST : ARPOP_REPLY);
		ether_addr_copy(p, bond->dev_addr);
		memcpy(p + ETH_ALEN, s, 4);
		if (strcmp(kind, "arpreq"))
			ether_addr_copy(p + ETH_ALEN + 4, peer_mac);
		memcpy(p + 2 * ETH_ALEN + 4, d, 4);
		return skb;
	}
	if (v6) {
		struct ipv6hdr *ip6 = skb_put_zero(skb, sizeof(*ip6));

		eth->h_proto = skb->protocol = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->payload_len = htons(20);
		ip6->nexthdr = proto;
		ip6->hop_limit = 64;
		memcpy(&ip6->saddr, s, 16);
		memcpy(&ip6->daddr, d, 16);
	} else {
		struct iphdr *ip = skb_put_zero(skb, sizeof(*ip));

		eth->h_proto = skb->protocol = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(sizeof(*ip) + 20);
		ip->ttl = 64;
		ip->protocol = proto;
		memcpy(&ip->saddr, s, 4);
		memcpy(&ip->daddr, d, 4);
	}
	skb_set_transport_header(skb, skb->len);
	if (proto == IPPROTO_IGMP) {
		skb_put_zero(skb, 8);
	} else {
		__be16 *ports = skb_put_zero(skb, 20);

		ports[0] = htons(sport);
		ports[1] = htons(dport);
	}
	return skb;
}

/* Whose address the ARP sender hardware address is now (C's balance-alb rewrites it). */
static const char *arp_sender(struct net_device *bond, struct sk_buff *skb)
{
	const u8 *sha = skb_network_header(skb) + sizeof(struct arphdr);
	struct net_device *lower;
	struct list_head *iter;

	netdev_for_each_lower_dev(bond, lower, iter)
		if (ether_addr_equal(sha, lower->dev_addr))
			return lower->name;
	return ether_addr_equal(sha, bond->dev_addr) ? bond->name : "another address";
}

/* A command written to one of the probe's files, as a C string in buf (size bytes). */
static int read_cmd(char *buf, size_t size, const char __user *ubuf, size_t len)
{
	if (len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	return 0;
}

static ssize_t xmit_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[160], name[IFNAMSIZ], kind[8], src[48], dst[48], out[256] = "";
	unsigned int sport = 0, dport = 0, n = 1, i;
	struct net_device *bond;
	int all, got, pos = 0, err;

	err = read_cmd(buf, sizeof(buf), ubuf, len);
	if (err)
		return err;
	got = sscanf(buf, "%15s %d %7s %47s %47s %u %u %u", name, &all, kind, src, dst, &sport,
		     &dport, &n);
	if (got < 5 || n < 1 || n > 16)
		return -EINVAL;
	bond = dev_get_by_name(&init_net, name);
	if (!bond)
		return -ENODEV;
	for (i = 0; i < n; i++) {
		struct sk_buff *skb = make_frame(bond, kind, src, dst, sport + i, dport);
		struct net_device *slave;

		if (!skb) {
			dev_put(bond);
			return -EINVAL;
		}
		rtnl_lock();
		local_bh_disable();
		rcu_read_lock();
		slave = netdev_get_xmit_slave(bond, skb, all);
		pos += scnprintf(out + pos, sizeof(out) - pos, " %s", slave ? slave->name : "(none)");
		rcu_read_unlock();
		local_bh_enable();
		if (!strncmp(kind, "arp", 3))
			pos += scnprintf(out + pos, sizeof(out) - pos, " (ARP sender %s)",
					 arp_sender(bond, skb));
		rtnl_unlock();
		kfree_skb(skb);
	}
	pr_info("lag_probe: xmit slave of %s all_slaves=%d %s %s > %s%s:%s\n", name, all, kind, src,
		dst, got >= 7 ? " with ports" : "", out);
	dev_put(bond);
	return len;
}

static ssize_t sk_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[160], name[IFNAMSIZ], kind[8], src[48], dst[48], opt[8] = "";
	unsigned int sport, dport;
	struct net_device *bond, *lower;
	struct socket *sock;
	struct sock *sk;
	bool v6, v6only;
	int err;

	err = read_cmd(buf, sizeof(buf), ubuf, len);
	if (err)
		return err;
	if (sscanf(buf, "%15s %7s %47s %47s %u %u %7s", name, kind, src, dst, &sport, &dport,
		   opt) < 6)
		return -EINVAL;
	v6 = !strcmp(kind, "tcp6") || !strcmp(kind, "udp6");
	v6only = !strcmp(opt, "v6only");
	bond = dev_get_by_name(&init_net, name);
	if (!bond)
		return -ENODEV;
	err = sock_create_kern(&init_net, v6 ? AF_INET6 : AF_INET,
			       kind[0] == 't' ? SOCK_STREAM : SOCK_DGRAM,
			       kind[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP, &sock);
	if (err) {
		dev_put(bond);
		return err;
	}
	sk = sock->sk;
	if (v6) {
		struct in6_addr s6, d6;

		if (!in6_pton(src, -1, s6.s6_addr, -1, NULL) ||
		    !in6_pton(dst, -1, d6.s6_addr, -1, NULL)) {
			err = -EINVAL;
			goto out;
		}
		inet6_sk(sk)->saddr = s6;
		sk->sk_v6_daddr = d6;
		sk->sk_ipv6only = v6only;
		/* A v4-mapped peer: the IPv4 fields hold the IPv4 addresses, as after connect(). */
		if (ipv6_addr_v4mapped(&d6)) {
			sk->sk_rcv_saddr = s6.s6_addr32[3];
			sk->sk_daddr = d6.s6_addr32[3];
		}
	} else if (!in4_pton(src, -1, (u8 *)&sk->sk_rcv_saddr, -1, NULL) ||
		   !in4_pton(dst, -1, (u8 *)&sk->sk_daddr, -1, NULL)) {
		err = -EINVAL;
		goto out;
	}
	inet_sk(sk)->inet_sport = htons(sport);
	sk->sk_dport = htons(dport);
	rcu_read_lock();
	lower = netdev_sk_get_lowest_dev(bond, sk);
	pr_info("lag_probe: lowest device of %s for %s %s:%u > %s:%u%s: %s\n", name, kind, src,
		sport, dst, dport, v6only ? " (IPv6 only)" : "", lower ? lower->name : "(none)");
	rcu_read_unlock();
out:
	/* Back to an unbound, unconnected socket before it is released. */
	inet_sk(sk)->inet_sport = 0;
	sk->sk_dport = 0;
	sk->sk_rcv_saddr = 0;
	sk->sk_daddr = 0;
	sock_release(sock);
	dev_put(bond);
	return err ? err : len;
}

/* "DEV up|down|carrier-on|carrier-off": what `ip link set DEV ...` does, without a process
 * (the debug guest takes a third of a second to start one). */
static ssize_t link_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64], name[IFNAMSIZ], op[16];
	struct net_device *dev;
	int err = 0;

	err = read_cmd(buf, sizeof(buf), ubuf, len);
	if (err)
		return err;
	if (sscanf(buf, "%15s %15s", name, op) != 2)
		return -EINVAL;
	rtnl_lock();
	dev = __dev_get_by_name(&init_net, name);
	if (!dev)
		err = -ENODEV;
	else if (!strcmp(op, "up"))
		err = dev_change_flags(dev, netif_get_flags(dev) | IFF_UP, NULL);
	else if (!strcmp(op, "down"))
		err = dev_change_flags(dev, netif_get_flags(dev) & ~IFF_UP, NULL);
	else if (dev->netdev_ops != &probe_ops)
		err = -EOPNOTSUPP;
	else if (!strcmp(op, "carrier-on") || !strcmp(op, "carrier-off"))
		err = probe_change_carrier(dev, !strcmp(op, "carrier-on"));
	else
		err = -EINVAL;
	rtnl_unlock();
	return err ? err : len;
}

/* A frame through the bond's ndo_start_xmit as netpoll_start_xmit() sends it: interrupts off. */
static void netpoll_xmit(struct net_device *bond, const char *when)
{
	struct sk_buff *skb = make_frame(bond, "udp", "10.0.0.1", "10.0.0.2", 6665, 6666);
	unsigned long flags;
	netdev_tx_t rc;

	if (!skb)
		return;
	local_irq_save(flags);
	rcu_read_lock();
	rc = bond->netdev_ops->ndo_start_xmit(skb, bond);
	rcu_read_unlock();
	local_irq_restore(flags);
	if (rc == NETDEV_TX_BUSY)
		kfree_skb(skb);
	pr_info("lag_probe: netpoll transmit through %s %s: %s\n", bond->name, when,
		rc == NETDEV_TX_BUSY ? "busy" : "taken");
}

static ssize_t netpoll_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[64], name[IFNAMSIZ], op[8];
	struct net_device *dev;
	unsigned long flags;
	int err = 0;

	err = read_cmd(buf, sizeof(buf), ubuf, len);
	if (err)
		return err;
	if (sscanf(buf, "%15s %7s", name, op) != 2)
		return -EINVAL;
	rtnl_lock();
	dev = __dev_get_by_name(&init_net, name);
	if (!dev) {
		err = -ENODEV;
	} else if (!strcmp(op, "on")) {
		struct netpoll *np = kzalloc(sizeof(*np), GFP_KERNEL);

		if (probe_np || !np) {
			kfree(np);
			err = -EBUSY;
		} else {
			np->name = "lag_probe";
			err = __netpoll_setup(np, dev);
			if (err)
				kfree(np);
			else
				probe_np = np;
		}
	} else if (!probe_np || probe_np->dev != dev) {
		err = -ENOENT;
	} else if (!strcmp(op, "off")) {
		__netpoll_free(probe_np);
		probe_np = NULL;
	} else if (!strcmp(op, "poll")) {
		local_irq_save(flags);
		rcu_read_lock();
		netpoll_poll_dev(dev);
		rcu_read_unlock();
		local_irq_restore(flags);
	} else if (!strcmp(op, "xmit")) {
		netpoll_xmit(dev, "now");
	} else {
		err = -EINVAL;
	}
	rtnl_unlock();
	return err ? err : len;
}

static const struct file_operations netpoll_fops = {
	.owner = THIS_MODULE,
	.write = netpoll_write,
};

static const struct file_operations link_fops = {
	.owner = THIS_MODULE,
	.write = link_write,
};

static const struct file_operations xmit_fops = {
	.owner = THIS_MODULE,
	.write = xmit_write,
};

static const struct file_operations sk_fops = {
	.owner = THIS_MODULE,
	.write = sk_write,
};

static void probe_cleanup(void)
{
	int i;

	debugfs_remove_recursive(dir);
	for (i = 0; i < ndevs_made; i++) {
		unregister_netdev(devs[i]);
		free_netdev(devs[i]);
	}
	ndevs_made = 0;
}

static int __init probe_init(void)
{
	int i, err;

	if (ndevs < 0 || ndevs > MAX_DEVS)
		return -EINVAL;
	for (i = 0; i < ndevs; i++) {
		struct net_device *dev = alloc_netdev(0, "lagp%d", NET_NAME_ENUM, probe_setup);
		u8 mac[ETH_ALEN] = { 0x02, 0x1a, 0x00, 0x00, 0x00, i };

		if (!dev) {
			err = -ENOMEM;
			goto fail;
		}
		eth_hw_addr_set(dev, mac);
		err = register_netdev(dev);
		if (err) {
			free_netdev(dev);
			goto fail;
		}
		devs[ndevs_made++] = dev;
	}
	dir = debugfs_create_dir("lag_probe", NULL);
	debugfs_create_file("xmit", 0200, dir, NULL, &xmit_fops);
	debugfs_create_file("sk", 0200, dir, NULL, &sk_fops);
	debugfs_create_file("link", 0200, dir, NULL, &link_fops);
	debugfs_create_file("netpoll", 0200, dir, NULL, &netpoll_fops);
	debugfs_create_atomic_t("events", 0400, dir, &events);
	err = register_netdevice_notifier(&probe_nb);
	if (err)
		goto fail;
	return 0;
fail:
	probe_cleanup();
	return err;
}

static void __exit probe_exit(void)
{
	rtnl_lock();
	if (probe_np)
		__netpoll_free(probe_np);
	probe_np = NULL;
	rtnl_unlock();
	unregister_netdevice_notifier(&probe_nb);
	probe_cleanup();
}

module_init(probe_init);
module_exit(probe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bonding-rs test: what RoCE/SR-IOV LAG drivers, kTLS and neighbours ask of a bond");
