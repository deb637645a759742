/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_CONF_H
#define SF_CONF_H

/*
 * synfront's configuration: defaults, then the INI file (-c), then the
 * command line, each overriding the one before.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>

#include "sf_engine.h"
#include "sf_http.h"
#include "sf_proxy.h"
#include "sf_tcp.h"

/* Exit code of usage errors (bad option or value, bad config file). */
#define SF_EXIT_USAGE 2

enum sf_builtin_kind {
	SF_BUILTIN_SINK = 0,  /* accept and hold */
	SF_BUILTIN_RST,       /* accept then reset */
	SF_BUILTIN_CLOSE,     /* accept then FIN */
	SF_BUILTIN_NONE,      /* never accept */
	SF_BUILTIN_DISCARD,   /* RFC 863: accept, discard, close after peer */
	SF_BUILTIN_ECHO,      /* RFC 862: every byte back */
	SF_BUILTIN_PROXY,     /* SYN proxy: spliced to a backend of pool 0 */
	SF_BUILTIN_HTTP,      /* HTTP/1.1 responder (sf_http.h) */
	SF_BUILTIN_LAST = SF_BUILTIN_HTTP,
};

/* Longest greeting (--greeting): what one connection's send budget holds. */
#define SF_GREETING_MAX 65536
/* Most bytes each connection of the built-in client sends. */
#define SF_CONNECT_SEND_MAX 16384

enum sf_steering {
	SF_STEER_AUTO = 0,
	SF_STEER_RSS,
	SF_STEER_SW,
};

/* What a listener is configured with (struct sf_listener_params' knobs). */
struct sf_lsettings {
	enum sf_builtin_kind app;
	unsigned int syncookies;        /* 0, 1, 2 */
	unsigned int backlog;
	unsigned int syn_backlog;
	unsigned int synack_retries;
	unsigned int defer_accept;      /* seconds */
	bool abort_on_overflow;
	unsigned int mss;               /* clamp; 0: from the port MTU */
	unsigned int window;
	unsigned int wscale;
	bool timestamps;
	bool sack;
	bool ecn;
	unsigned int synack_timeout_ms;
	unsigned int keepalive_ms;      /* 0: off */
	unsigned int keepalive_intvl_ms;
	unsigned int keepalive_probes;
	unsigned int idle_timeout_ms;   /* 0: off */
	unsigned int proxy_protocol;    /* app proxy: 0, 1, 2 */
};

/* Most keys one [listener NAME] section holds. */
#define SF_LISTEN_MAX_KEYS 16

struct sf_backend_conf {
	struct sf_addr bc_addr;
	uint16_t bc_port;
	uint16_t bc_weight;
};

/* A backend pool as configured (sf_proxy.h's pool and its backends). */
struct sf_pool_conf {
	unsigned int nb_backends;
	struct sf_backend_conf backends[SF_MAX_POOL_BACKENDS];
	unsigned int sched;             /* enum sf_pool_sched */
	unsigned int rise;
	unsigned int fall;
	unsigned int check_ms;          /* 0: no checks */
	unsigned int check_timeout_ms;
};

struct sf_listen_conf {
	struct sf_addr ls_addr;   /* family 0: every address of both families */
	uint16_t ls_port;         /* host order, 1..65535 */
	char ls_name[64];         /* its [listener NAME] section; "" if none */
	/* Settings in force: the defaults, then its section's keys. */
	struct sf_lsettings ls_s;
	/*
	 * Its own backend pool, from backend lines in its section (app
	 * proxy); nb_backends 0: pool 0, the [synfront] one.
	 */
	struct sf_pool_conf ls_pool;
	int ls_pool_id;           /* the pool made of it (main.c), or 0 */
	unsigned int ls_nb_keys;  /* keys of its own section, as written */
	struct {
		int lk_key;
		char lk_val[128];
	} ls_keys[SF_LISTEN_MAX_KEYS];
};

struct sf_port_addrs {
	unsigned int pa_nb;
	struct sf_addr pa_addr[SF_MAX_ADDRS_PER_PORT];
};

/* Most static routes ([route] lines, --route). */
#define SF_CONF_MAX_ROUTES 256

/* A static route as written: PREFIX via GATEWAY [dev PORT]. */
struct sf_route_conf {
	struct sf_addr rc_prefix;       /* host bits zero */
	struct sf_addr rc_gw;
	uint16_t rc_port;               /* SF_ROUTE_PORT_ANY: no dev */
	char rc_text[128];              /* as given, for messages */
};

/* An HTTP route as configured: a [route PATH] section. */
struct sf_http_route_conf {
	char hr_path[SF_HTTP_PATH_MAX + 1];
	unsigned int hr_status;
	char hr_ctype[201];             /* empty: text/plain */
	uint8_t *hr_body;               /* malloc'd; NULL: none */
	unsigned int hr_body_len;
	char hr_headers[2048];          /* "Name: value\r\n" lines */
};

/* The HTTP responder ([http] and [route PATH] sections). */
struct sf_http_conf {
	char server[101];
	unsigned int max_header_bytes;
	unsigned int max_body_bytes;
	unsigned int keepalive_timeout_ms;  /* 0: never */
	unsigned int keepalive_requests;    /* 0: no limit */
	unsigned int nb_routes;
	struct sf_http_route_conf routes[SF_HTTP_MAX_ROUTES];
};

/* A backend as written: ADDR:PORT[@WEIGHT]. */
struct sf_conf {
	char config_file[PATH_MAX];     /* -c; empty: none */
	unsigned int stats_interval;    /* seconds; 0 = no stats line */
	char stats_file[PATH_MAX];      /* JSON counters on exit; empty: none */
	struct sf_port_addrs addrs[RTE_MAX_ETHPORTS];
	unsigned int nb_listen;
	struct sf_listen_conf listen[SF_MAX_LISTENERS];
	unsigned int nb_routes;
	struct sf_route_conf routes[SF_CONF_MAX_ROUTES];
	/* Listener defaults ([synfront] keys / options). */
	enum sf_builtin_kind app;
	unsigned int syncookies;        /* 0, 1, 2 */
	unsigned int backlog;
	unsigned int syn_backlog;
	unsigned int synack_retries;
	unsigned int defer_accept;      /* seconds */
	bool abort_on_overflow;
	unsigned int mss;               /* 0: from the port MTU */
	unsigned int window;
	unsigned int wscale;
	bool timestamps;
	bool sack;
	bool ecn;
	unsigned int synack_timeout_ms;
	unsigned int keepalive_ms;      /* 0: off */
	unsigned int keepalive_intvl_ms;
	unsigned int keepalive_probes;
	unsigned int idle_timeout_ms;   /* 0: off */
	unsigned int proxy_protocol;    /* app proxy: 0, 1, 2 */
	/* Engine-wide TCP settings. */
	unsigned int somaxconn;
	bool no_listener_drop;          /* --no-listener drop */
	unsigned int time_wait_ms;
	unsigned int max_requests;      /* per worker */
	unsigned int max_conns;         /* per worker */
	unsigned int max_time_wait;     /* per worker; 0: max_conns / 2 */
	unsigned int sndbuf;            /* send budget per connection */
	unsigned int tcp_retries2;
	uint8_t cookie_secret[16];      /* SYN-cookie master secret */
	bool cookie_secret_set;         /* else random per start */
	enum sf_steering steering;
	char app_lcores[128];           /* lcore list as given; empty: inline */
	unsigned int rx_queues;         /* queue pairs per port; 0: workers */
	uint32_t tx_drain_us;
	/* gratuitous ARP / unsolicited NA once a port is up */
	bool announce;
	/* ICMP errors we send (Linux's sysctl names). */
	bool icmp_errors;
	unsigned int icmp_ratelimit;    /* ms per peer; 0: no limit */
	unsigned int icmp_msgs_per_sec; /* per worker; 0: no limit */
	unsigned int icmp_msgs_burst;
	/* What the built-in applications send on accept (--greeting). */
	uint8_t greeting[SF_GREETING_MAX];
	unsigned int greeting_len;
	/* Active opens (Linux's sysctl names). */
	unsigned int local_port_lo;     /* ip_local_port_range */
	unsigned int local_port_hi;
	bool tw_reuse;
	unsigned int syn_retries;
	/* The built-in client (--connect, sf_client.c). */
	bool connect_set;
	struct sf_addr connect_addr;
	uint16_t connect_port;
	unsigned int connect_conns;     /* connections in all */
	unsigned int connect_parallel;  /* at once, at most */
	uint8_t connect_send[SF_CONNECT_SEND_MAX]; /* each sends, expects back */
	unsigned int connect_send_len;
	/*
	 * Backend pool 0 (--backend, sf_proxy.h) and its checks; while a
	 * [listener] section is read, that listener's own.
	 */
	struct sf_pool_conf pool0;
	/* The splice (sf_proxy_params). */
	unsigned int proxy_idle_ms;
	unsigned int proxy_fin_idle_ms;
	unsigned int backend_retries;
	/* The HTTP responder (app http). */
	struct sf_http_conf http;
};

/* Fill conf with the defaults (Linux's, where Linux has one). */
void sf_conf_defaults(struct sf_conf *conf);

/*
 * Parse synfront's own arguments (those after "--"), reading the INI file
 * first when -c is among them. Returns 0; 1 when --help was printed; or
 * -SF_EXIT_USAGE after printing one message that names the bad option,
 * value or config line.
 */
int sf_conf_parse(struct sf_conf *conf, int argc, char **argv);

/* Print synfront's usage to stdout. */
void sf_conf_usage(const char *prgname);

/* Name of the built-in application. */
const char *sf_builtin_name(enum sf_builtin_kind a);
const char *sf_steering_name(enum sf_steering s);

#endif /* SF_CONF_H */
