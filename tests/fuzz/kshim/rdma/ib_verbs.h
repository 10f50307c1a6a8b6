/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kshim rdma/ib_verbs.h - the verbs the backend calls, for the fake RDMA
 * device of fake.c.
 *
 * Structures have only the fields the backend uses.  Numbers that the
 * backend checks against the wire protocol (static_assert()s in qp.c,
 * engine.c, device.c, mr.c) or passes through have the kernel's values;
 * the others are arbitrary.  The fake device is the model of the device
 * here: it keeps its queues, executes work requests when the fuzz input
 * says so, and checks what the backend gives it (fake.c).
 */

#ifndef KSHIM_RDMA_IB_VERBS_H
#define KSHIM_RDMA_IB_VERBS_H

#include "../kshim.h"
#include "../linux/list.h"
#include "../linux/scatterlist.h"

#define IB_DEVICE_NAME_MAX	64

union ib_gid {
	u8 raw[16];
	struct {
		__be64 subnet_prefix;
		__be64 interface_id;
	} global;
};

enum rdma_driver_id {
	RDMA_DRIVER_UNKNOWN,
	RDMA_DRIVER_RXE = 14,
};

enum ib_gid_type {
	IB_GID_TYPE_IB = 0,
	IB_GID_TYPE_ROCE = 1,
	IB_GID_TYPE_ROCE_UDP_ENCAP = 2,
};

enum rdma_link_layer {
	IB_LINK_LAYER_UNSPECIFIED,
	IB_LINK_LAYER_INFINIBAND,
	IB_LINK_LAYER_ETHERNET,
};

enum ib_atomic_cap {
	IB_ATOMIC_NONE,
	IB_ATOMIC_HCA,
	IB_ATOMIC_GLOB,
};

enum ib_mtu {
	IB_MTU_256 = 1,
	IB_MTU_512 = 2,
	IB_MTU_1024 = 3,
	IB_MTU_2048 = 4,
	IB_MTU_4096 = 5,
};

enum ib_port_state {
	IB_PORT_NOP = 0,
	IB_PORT_DOWN = 1,
	IB_PORT_INIT = 2,
	IB_PORT_ARMED = 3,
	IB_PORT_ACTIVE = 4,
	IB_PORT_ACTIVE_DEFER = 5,
};

/* Device capability flags (struct ib_device_attr.device_cap_flags). */
#define IB_DEVICE_BAD_PKEY_CNTR		(1ULL << 1)
#define IB_DEVICE_BAD_QKEY_CNTR		(1ULL << 2)
#define IB_DEVICE_AUTO_PATH_MIG		(1ULL << 4)
#define IB_DEVICE_CHANGE_PHY_PORT	(1ULL << 5)
#define IB_DEVICE_UD_AV_PORT_ENFORCE	(1ULL << 6)
#define IB_DEVICE_PORT_ACTIVE_EVENT	(1ULL << 9)
#define IB_DEVICE_SYS_IMAGE_GUID	(1ULL << 10)
#define IB_DEVICE_RC_RNR_NAK_GEN	(1ULL << 11)
#define IB_DEVICE_SRQ_RESIZE		(1ULL << 13)
#define IB_DEVICE_LOCAL_DMA_LKEY	(1ULL << 15)

enum ib_event_type {
	IB_EVENT_CQ_ERR,
	IB_EVENT_QP_FATAL,
	IB_EVENT_QP_REQ_ERR,
	IB_EVENT_QP_ACCESS_ERR,
	IB_EVENT_COMM_EST,
	IB_EVENT_SQ_DRAINED,
	IB_EVENT_PATH_MIG,
	IB_EVENT_PATH_MIG_ERR,
	IB_EVENT_DEVICE_FATAL,
	IB_EVENT_PORT_ACTIVE,
	IB_EVENT_PORT_ERR,
	IB_EVENT_LID_CHANGE,
	IB_EVENT_PKEY_CHANGE,
	IB_EVENT_SM_CHANGE,
	IB_EVENT_SRQ_ERR,
	IB_EVENT_SRQ_LIMIT_REACHED,
	IB_EVENT_QP_LAST_WQE_REACHED,
	IB_EVENT_CLIENT_REREGISTER,
	IB_EVENT_GID_CHANGE,
	IB_EVENT_WQ_FATAL,
};

enum ib_qp_type {
	IB_QPT_SMI,
	IB_QPT_GSI,
	IB_QPT_RC = 2,
	IB_QPT_UC = 3,
	IB_QPT_UD = 4,
};

enum ib_qp_state {
	IB_QPS_RESET,
	IB_QPS_INIT,
	IB_QPS_RTR,
	IB_QPS_RTS,
	IB_QPS_SQD,
	IB_QPS_SQE,
	IB_QPS_ERR,
};

enum ib_mig_state {
	IB_MIG_MIGRATED,
	IB_MIG_REARM,
	IB_MIG_ARMED,
};

/* ib_modify_qp() and ib_query_qp() attribute masks. */
enum ib_qp_attr_mask {
	IB_QP_STATE = 1,
	IB_QP_CUR_STATE = 1 << 1,
	IB_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2,
	IB_QP_ACCESS_FLAGS = 1 << 3,
	IB_QP_PKEY_INDEX = 1 << 4,
	IB_QP_PORT = 1 << 5,
	IB_QP_QKEY = 1 << 6,
	IB_QP_AV = 1 << 7,
	IB_QP_PATH_MTU = 1 << 8,
	IB_QP_TIMEOUT = 1 << 9,
	IB_QP_RETRY_CNT = 1 << 10,
	IB_QP_RNR_RETRY = 1 << 11,
	IB_QP_RQ_PSN = 1 << 12,
	IB_QP_MAX_QP_RD_ATOMIC = 1 << 13,
	IB_QP_ALT_PATH = 1 << 14,
	IB_QP_MIN_RNR_TIMER = 1 << 15,
	IB_QP_SQ_PSN = 1 << 16,
	IB_QP_MAX_DEST_RD_ATOMIC = 1 << 17,
	IB_QP_PATH_MIG_STATE = 1 << 18,
	IB_QP_CAP = 1 << 19,
	IB_QP_DEST_QPN = 1 << 20,
};

enum ib_access_flags {
	IB_ACCESS_LOCAL_WRITE = 1,
	IB_ACCESS_REMOTE_WRITE = 1 << 1,
	IB_ACCESS_REMOTE_READ = 1 << 2,
	IB_ACCESS_REMOTE_ATOMIC = 1 << 3,
	IB_ACCESS_MW_BIND = 1 << 4,
};

enum ib_wr_opcode {
	IB_WR_RDMA_WRITE = 0,
	IB_WR_RDMA_WRITE_WITH_IMM = 1,
	IB_WR_SEND = 2,
	IB_WR_SEND_WITH_IMM = 3,
	IB_WR_RDMA_READ = 4,
	IB_WR_ATOMIC_CMP_AND_SWP = 5,
	IB_WR_ATOMIC_FETCH_AND_ADD = 6,
	IB_WR_REG_MR = 0x20,
};

enum ib_send_flags {
	IB_SEND_FENCE = 1,
	IB_SEND_SIGNALED = 1 << 1,
	IB_SEND_SOLICITED = 1 << 2,
	IB_SEND_INLINE = 1 << 3,
};

enum ib_wc_status {
	IB_WC_SUCCESS,
	IB_WC_LOC_LEN_ERR,
	IB_WC_LOC_QP_OP_ERR,
	IB_WC_LOC_EEC_OP_ERR,
	IB_WC_LOC_PROT_ERR,
	IB_WC_WR_FLUSH_ERR,
	IB_WC_MW_BIND_ERR,
	IB_WC_BAD_RESP_ERR,
	IB_WC_LOC_ACCESS_ERR,
	IB_WC_REM_INV_REQ_ERR,
	IB_WC_REM_ACCESS_ERR,
	IB_WC_REM_OP_ERR,
	IB_WC_RETRY_EXC_ERR,
	IB_WC_RNR_RETRY_EXC_ERR,
	IB_WC_LOC_RDD_VIOL_ERR,
	IB_WC_REM_INV_RD_REQ_ERR,
	IB_WC_REM_ABORT_ERR,
	IB_WC_INV_EECN_ERR,
	IB_WC_INV_EEC_STATE_ERR,
	IB_WC_FATAL_ERR,
	IB_WC_RESP_TIMEOUT_ERR,
	IB_WC_GENERAL_ERR,
};

enum ib_wc_opcode {
	IB_WC_SEND = 0,
	IB_WC_RDMA_WRITE = 1,
	IB_WC_RDMA_READ = 2,
	IB_WC_COMP_SWAP = 3,
	IB_WC_FETCH_ADD = 4,
	IB_WC_REG_MR = 8,
	IB_WC_RECV = 1 << 7,
	IB_WC_RECV_RDMA_WITH_IMM,
};

enum ib_wc_flags {
	IB_WC_GRH = 1,
	IB_WC_WITH_IMM = 1 << 1,
	IB_WC_WITH_INVALIDATE = 1 << 2,
	IB_WC_IP_CSUM_OK = 1 << 3,
	IB_WC_WITH_SMAC = 1 << 4,
	IB_WC_WITH_VLAN = 1 << 5,
	IB_WC_WITH_NETWORK_HDR_TYPE = 1 << 6,
};

enum ib_cq_notify_flags {
	IB_CQ_SOLICITED = 1,
	IB_CQ_NEXT_COMP = 1 << 1,
	IB_CQ_REPORT_MISSED_EVENTS = 1 << 2,
};

enum ib_sig_type {
	IB_SIGNAL_ALL_WR,
	IB_SIGNAL_REQ_WR,
};

enum ib_srq_type {
	IB_SRQT_BASIC,
};

enum ib_srq_attr_mask {
	IB_SRQ_MAX_WR = 1,
	IB_SRQ_LIMIT = 1 << 1,
};

enum ib_mr_type {
	IB_MR_TYPE_MEM_REG,
};

enum rdma_ah_attr_type {
	RDMA_AH_ATTR_TYPE_UNDEFINED,
	RDMA_AH_ATTR_TYPE_IB,
	RDMA_AH_ATTR_TYPE_ROCE,
};

#define IB_AH_GRH			1
#define RDMA_DESTROY_AH_SLEEPABLE	1

struct ib_device;
struct ib_pd;
struct ib_cq;
struct ib_qp;
struct ib_srq;
struct ib_ah;
struct ib_mr;
struct ib_event;

struct ib_device_attr {
	u64 fw_ver;
	__be64 sys_image_guid;
	u64 max_mr_size;
	u64 page_size_cap;
	u32 vendor_id;
	u32 vendor_part_id;
	u32 hw_ver;
	int max_qp;
	int max_qp_wr;
	u64 device_cap_flags;
	int max_send_sge;
	int max_recv_sge;
	int max_sge_rd;
	int max_cq;
	int max_cqe;
	int max_mr;
	int max_pd;
	int max_qp_rd_atom;
	int max_qp_init_rd_atom;
	int max_srq;
	int max_srq_wr;
	int max_srq_sge;
	int max_ah;
	u16 max_pkeys;
	u8 local_ca_ack_delay;
	enum ib_atomic_cap atomic_cap;
	int max_mcast_qp_attach;
};

/*
 * The operations the backend tests for (device.c, qp.c); the fake device
 * sets the ones its profile has to kshim_dev_op.
 */
struct ib_device_ops {
	enum rdma_driver_id driver_id;
	void (*resize_cq)(void);
	void (*modify_srq)(void);
	void (*attach_mcast)(void);
	void (*detach_mcast)(void);
};

struct ib_device {
	char name[IB_DEVICE_NAME_MAX];
	struct device dev;
	struct ib_device_attr attrs;
	struct ib_device_ops ops;
	__be64 node_guid;
	int num_comp_vectors;
	u32 phys_port_cnt;
};

struct ib_port_attr {
	u32 port_cap_flags;
	u32 max_msg_sz;
	u32 bad_pkey_cntr;
	u32 qkey_viol_cntr;
	int gid_tbl_len;
	u16 pkey_tbl_len;
	u32 lid;
	u32 sm_lid;
	enum ib_port_state state;
	enum ib_mtu max_mtu;
	enum ib_mtu active_mtu;
	u8 lmc;
	u8 max_vl_num;
	u8 sm_sl;
	u8 subnet_timeout;
	u8 init_type_reply;
	u8 active_width;
	u16 active_speed;
	u8 phys_state;
};

struct ib_gid_attr {
	union ib_gid gid;
	enum ib_gid_type gid_type;
	u32 index;
	u32 port_num;
};

struct ib_global_route {
	union ib_gid dgid;
	u32 flow_label;
	u8 sgid_index;
	u8 hop_limit;
	u8 traffic_class;
};

struct ib_ah_attr {
	u16 dlid;
	u8 src_path_bits;
};

struct roce_ah_attr {
	u8 dmac[6];
};

struct rdma_ah_attr {
	struct ib_global_route grh;
	u8 sl;
	u8 static_rate;
	u32 port_num;
	u8 ah_flags;
	enum rdma_ah_attr_type type;
	union {
		struct ib_ah_attr ib;
		struct roce_ah_attr roce;
	};
};

struct ib_qp_cap {
	u32 max_send_wr;
	u32 max_recv_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
	u32 max_inline_data;
	u32 max_rdma_ctxs;
};

struct ib_qp_attr {
	enum ib_qp_state qp_state;
	enum ib_qp_state cur_qp_state;
	enum ib_mtu path_mtu;
	enum ib_mig_state path_mig_state;
	u32 qkey;
	u32 rq_psn;
	u32 sq_psn;
	u32 dest_qp_num;
	int qp_access_flags;
	struct ib_qp_cap cap;
	struct rdma_ah_attr ah_attr;
	struct rdma_ah_attr alt_ah_attr;
	u16 pkey_index;
	u16 alt_pkey_index;
	u8 en_sqd_async_notify;
	u8 sq_draining;
	u8 max_rd_atomic;
	u8 max_dest_rd_atomic;
	u8 min_rnr_timer;
	u32 port_num;
	u8 timeout;
	u8 retry_cnt;
	u8 rnr_retry;
	u32 alt_port_num;
	u8 alt_timeout;
};

struct ib_qp_init_attr {
	void (*event_handler)(struct ib_event *ev, void *ctx);
	void *qp_context;
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_srq *srq;
	struct ib_qp_cap cap;
	enum ib_sig_type sq_sig_type;
	enum ib_qp_type qp_type;
	u32 port_num;
};

struct ib_srq_attr {
	u32 max_wr;
	u32 max_sge;
	u32 srq_limit;
};

struct ib_srq_init_attr {
	void (*event_handler)(struct ib_event *ev, void *ctx);
	void *srq_context;
	struct ib_srq_attr attr;
	enum ib_srq_type srq_type;
};

struct ib_cq_init_attr {
	unsigned int cqe;
	u32 comp_vector;
	u32 flags;
};

typedef void (*ib_comp_handler)(struct ib_cq *cq, void *cq_context);

struct ib_pd {
	struct ib_device *device;
	u32 local_dma_lkey;
	u32 magic;
};

struct ib_cq {
	struct ib_device *device;
	int cqe;
	ib_comp_handler comp_handler;
	void (*event_handler)(struct ib_event *ev, void *ctx);
	void *cq_context;
	u32 magic;
};

struct ib_qp {
	struct ib_device *device;
	struct ib_pd *pd;
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_srq *srq;
	void (*event_handler)(struct ib_event *ev, void *ctx);
	void *qp_context;
	u32 qp_num;
	enum ib_qp_type qp_type;
	u32 magic;
};

struct ib_srq {
	struct ib_device *device;
	struct ib_pd *pd;
	void (*event_handler)(struct ib_event *ev, void *ctx);
	void *srq_context;
	u32 magic;
};

struct ib_ah {
	struct ib_device *device;
	struct ib_pd *pd;
	u32 magic;
};

struct ib_mr {
	struct ib_device *device;
	struct ib_pd *pd;
	u32 lkey;
	u32 rkey;
	u64 iova;
	u64 length;
	u32 magic;
};

struct ib_sge {
	u64 addr;
	u32 length;
	u32 lkey;
};

struct ib_send_wr {
	struct ib_send_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
	enum ib_wr_opcode opcode;
	int send_flags;
	union {
		__be32 imm_data;
		u32 invalidate_rkey;
	} ex;
};

struct ib_rdma_wr {
	struct ib_send_wr wr;
	u64 remote_addr;
	u32 rkey;
};

struct ib_atomic_wr {
	struct ib_send_wr wr;
	u64 remote_addr;
	u64 compare_add;
	u64 swap;
	u32 rkey;
};

struct ib_ud_wr {
	struct ib_send_wr wr;
	struct ib_ah *ah;
	u32 remote_qpn;
	u32 remote_qkey;
};

struct ib_reg_wr {
	struct ib_send_wr wr;
	struct ib_mr *mr;
	u32 key;
	int access;
};

struct ib_recv_wr {
	struct ib_recv_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
};

struct ib_wc {
	u64 wr_id;
	enum ib_wc_status status;
	enum ib_wc_opcode opcode;
	u32 vendor_err;
	u32 byte_len;
	struct ib_qp *qp;
	union {
		__be32 imm_data;
		u32 invalidate_rkey;
	} ex;
	u32 src_qp;
	u32 slid;
	int wc_flags;
	u16 pkey_index;
	u8 sl;
	u8 dlid_path_bits;
	u32 port_num;
	u8 smac[6];
	u16 vlan_id;
	u8 network_hdr_type;
};

struct ib_event {
	struct ib_device *device;
	union {
		struct ib_cq *cq;
		struct ib_qp *qp;
		struct ib_srq *srq;
		u32 port_num;
	} element;
	enum ib_event_type event;
};

struct ib_event_handler {
	struct ib_device *device;
	void (*handler)(struct ib_event_handler *h, struct ib_event *ev);
	struct list_head list;
};

#define INIT_IB_EVENT_HANDLER(_ptr, _device, _handler)			\
do {									\
	(_ptr)->device = _device;					\
	(_ptr)->handler = _handler;					\
	INIT_LIST_HEAD(&(_ptr)->list);					\
} while (0)

struct ib_client {
	const char *name;
	int (*add)(struct ib_device *ibdev);
	void (*remove)(struct ib_device *ibdev, void *client_data);
};

/* ---- address vectors ---------------------------------------------------- */

static inline void rdma_ah_set_port_num(struct rdma_ah_attr *a, u32 port)
{
	a->port_num = port;
}

static inline u32 rdma_ah_get_port_num(const struct rdma_ah_attr *a)
{
	return a->port_num;
}

static inline void rdma_ah_set_sl(struct rdma_ah_attr *a, u8 sl)
{
	a->sl = sl;
}

static inline u8 rdma_ah_get_sl(const struct rdma_ah_attr *a)
{
	return a->sl;
}

static inline void rdma_ah_set_static_rate(struct rdma_ah_attr *a, u8 rate)
{
	a->static_rate = rate;
}

static inline u8 rdma_ah_get_static_rate(const struct rdma_ah_attr *a)
{
	return a->static_rate;
}

static inline void rdma_ah_set_path_bits(struct rdma_ah_attr *a, u8 bits)
{
	if (a->type == RDMA_AH_ATTR_TYPE_IB)
		a->ib.src_path_bits = bits;
}

static inline u8 rdma_ah_get_path_bits(const struct rdma_ah_attr *a)
{
	return a->type == RDMA_AH_ATTR_TYPE_IB ? a->ib.src_path_bits : 0;
}

static inline void rdma_ah_set_dlid(struct rdma_ah_attr *a, u32 dlid)
{
	if (a->type == RDMA_AH_ATTR_TYPE_IB)
		a->ib.dlid = (u16)dlid;
}

static inline u32 rdma_ah_get_dlid(const struct rdma_ah_attr *a)
{
	return a->type == RDMA_AH_ATTR_TYPE_IB ? a->ib.dlid : 0;
}

static inline u8 rdma_ah_get_ah_flags(const struct rdma_ah_attr *a)
{
	return a->ah_flags;
}

static inline const struct ib_global_route *
rdma_ah_read_grh(const struct rdma_ah_attr *a)
{
	return &a->grh;
}

static inline void rdma_ah_set_grh(struct rdma_ah_attr *a,
				   const union ib_gid *dgid, u32 flow_label,
				   u8 sgid_index, u8 hop_limit,
				   u8 traffic_class)
{
	a->ah_flags = IB_AH_GRH;
	a->grh.dgid = *dgid;
	a->grh.flow_label = flow_label;
	a->grh.sgid_index = sgid_index;
	a->grh.hop_limit = hop_limit;
	a->grh.traffic_class = traffic_class;
}

/* ---- the fake device (fake.c) ------------------------------------------- */

struct ib_device *ib_device_get_by_name(const char *name,
					enum rdma_driver_id driver_id);
void ib_device_put(struct ib_device *ibdev);
bool rdma_is_port_valid(const struct ib_device *ibdev, u32 port);
bool rdma_protocol_roce(const struct ib_device *ibdev, u32 port);
enum rdma_link_layer rdma_port_get_link_layer(struct ib_device *ibdev,
					      u32 port);
enum rdma_ah_attr_type rdma_ah_find_type(struct ib_device *ibdev, u32 port);
int ib_query_port(struct ib_device *ibdev, u32 port,
		  struct ib_port_attr *attr);
int ib_query_pkey(struct ib_device *ibdev, u32 port, u16 index, u16 *pkey);
int ib_register_client(struct ib_client *client);
void ib_unregister_client(struct ib_client *client);
void ib_register_event_handler(struct ib_event_handler *h);
void ib_unregister_event_handler(struct ib_event_handler *h);

struct ib_pd *ib_alloc_pd(struct ib_device *ibdev, unsigned int flags);
void ib_dealloc_pd(struct ib_pd *pd);

struct ib_cq *ib_create_cq(struct ib_device *ibdev, ib_comp_handler comp,
			   void (*event)(struct ib_event *ev, void *ctx),
			   void *ctx, const struct ib_cq_init_attr *attr);
int ib_destroy_cq(struct ib_cq *cq);
int ib_resize_cq(struct ib_cq *cq, int cqe);
int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags);
int ib_poll_cq(struct ib_cq *cq, int num_entries, struct ib_wc *wc);

struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *attr);
int ib_destroy_qp(struct ib_qp *qp);
int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int mask);
int ib_query_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int mask,
		struct ib_qp_init_attr *init);
int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad);
int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad);
int ib_attach_mcast(struct ib_qp *qp, union ib_gid *gid, u16 lid);
int ib_detach_mcast(struct ib_qp *qp, union ib_gid *gid, u16 lid);

struct ib_srq *ib_create_srq(struct ib_pd *pd, struct ib_srq_init_attr *attr);
int ib_destroy_srq(struct ib_srq *srq);
int ib_modify_srq(struct ib_srq *srq, struct ib_srq_attr *attr, int mask);
int ib_query_srq(struct ib_srq *srq, struct ib_srq_attr *attr);
int ib_post_srq_recv(struct ib_srq *srq, const struct ib_recv_wr *wr,
		     const struct ib_recv_wr **bad);

struct ib_ah *rdma_create_user_ah(struct ib_pd *pd, struct rdma_ah_attr *attr,
				  void *udata);
int rdma_destroy_ah(struct ib_ah *ah, u32 flags);

struct ib_mr *ib_alloc_mr(struct ib_pd *pd, enum ib_mr_type type,
			  u32 max_num_sg);
int ib_dereg_mr(struct ib_mr *mr);
int ib_map_mr_sg(struct ib_mr *mr, struct scatterlist *sg, int sg_nents,
		 unsigned int *sg_offset, unsigned int page_size);
int ib_dma_map_sg(struct ib_device *ibdev, struct scatterlist *sg, int nents,
		  enum dma_data_direction dir);
void ib_dma_unmap_sg(struct ib_device *ibdev, struct scatterlist *sg,
		     int nents, enum dma_data_direction dir);

#endif /* KSHIM_RDMA_IB_VERBS_H */
