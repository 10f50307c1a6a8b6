// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * validate.c - checks of control messages, page directories, WQEs and
 * events (the rules are in vibif.h and xenib-abi.h; the return convention
 * in validate.h).
 *
 * Every function reads only the private copy it is given, and reads each
 * field it checks through le*_to_cpu() once.
 *
 * Copyright (c) 2025 The xenib authors.
 */

#include "compat.h"
#include "ring.h"
#include "validate.h"

static bool xenib_all_zero(const void *p, size_t n)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

#define XENIB_ZERO(field) xenib_all_zero(&(field), sizeof(field))

static bool xenib_port_valid(u8 port)
{
	return port >= 1 && port <= XEN_VIBIF_NUM_PORTS;
}

/* ------------------------------------------------------------------------
 * Page directories
 */

static u32 xenib_pgdir_per_leaf(u8 type)
{
	return type == XEN_VIBIF_PGDIR_GFN ? XEN_VIBIF_PGDIR_GFNS_PER_PAGE :
					     XEN_VIBIF_PGDIR_GRANTS_PER_PAGE;
}

static u32 xenib_pgdir_nrefs_for(u32 npages, u8 type, u8 levels)
{
	u32 per_leaf = xenib_pgdir_per_leaf(type);

	switch (levels) {
	case 0:
		return npages;
	case 1:
		return DIV_ROUND_UP(npages, per_leaf);
	default:
		return DIV_ROUND_UP(npages,
				    per_leaf * XEN_VIBIF_PGDIR_GRANTS_PER_PAGE);
	}
}

/**
 * xenib_pgdir_shape() - levels and inline references a directory must use
 * @npages: data pages, 1 .. XEN_VIBIF_PGDIR_MAX_PAGES
 * @type: XEN_VIBIF_PGDIR_GRANT or XEN_VIBIF_PGDIR_GFN
 * @levels: set to the smallest sufficient number of levels
 * @nrefs: set to the number of inline references at that level
 *
 * The frontend builds directories with this; xenib_pgdir_check() accepts
 * exactly these shapes.
 *
 * Context: any.
 * Return: 0, or -EINVAL if @npages is 0 or too large, -EPROTO for an
 * unknown @type.
 */
int xenib_pgdir_shape(u32 npages, u8 type, u8 *levels, u16 *nrefs)
{
	u8 l;

	if (type != XEN_VIBIF_PGDIR_GRANT && type != XEN_VIBIF_PGDIR_GFN)
		return -EPROTO;
	if (npages == 0 || npages > XEN_VIBIF_PGDIR_MAX_PAGES)
		return -EINVAL;
	for (l = type == XEN_VIBIF_PGDIR_GFN ? 1 : 0;
	     l <= XEN_VIBIF_PGDIR_MAX_LEVELS; l++) {
		u32 n = xenib_pgdir_nrefs_for(npages, type, l);

		if (n <= XEN_VIBIF_PGDIR_INLINE) {
			*levels = l;
			*nrefs = (u16)n;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * xenib_pgdir_check() - check a page directory of a request
 * @pgdir: the directory, in the private copy of the request
 * @allow_gfn: whether XEN_VIBIF_PGDIR_GFN may be used here (REG_MR with
 *             feature-gfn-mr)
 *
 * Checks type, levels, npages (not zero, within XEN_VIBIF_PGDIR_MAX_PAGES),
 * that levels and nrefs are the shape xenib_pgdir_shape() gives, and that
 * unused inline references are zero.  Callers check npages against the
 * object's size.
 *
 * Context: any.
 * Return: 0, -EOPNOTSUPP for a GFN directory where none is allowed,
 * -EPROTO for a malformed directory, -EINVAL for a bad page count.
 */
int xenib_pgdir_check(const struct xen_vibif_pgdir *pgdir, bool allow_gfn)
{
	u32 npages = le32_to_cpu(pgdir->npages);
	u16 nrefs = le16_to_cpu(pgdir->nrefs);
	u8 want_levels;
	u16 want_nrefs;
	int ret;

	if (pgdir->type != XEN_VIBIF_PGDIR_GRANT &&
	    pgdir->type != XEN_VIBIF_PGDIR_GFN)
		return -EPROTO;
	if (pgdir->type == XEN_VIBIF_PGDIR_GFN && !allow_gfn)
		return -EOPNOTSUPP;
	if (pgdir->levels > XEN_VIBIF_PGDIR_MAX_LEVELS)
		return -EPROTO;
	ret = xenib_pgdir_shape(npages, pgdir->type, &want_levels, &want_nrefs);
	if (ret)
		return ret;
	if (pgdir->levels != want_levels || nrefs != want_nrefs)
		return -EPROTO;
	if (!xenib_all_zero(&pgdir->ref[nrefs],
			    (XEN_VIBIF_PGDIR_INLINE - nrefs) *
			    sizeof(pgdir->ref[0])))
		return -EPROTO;
	return 0;
}

/* A queue buffer: granted, exactly the pages the queue shape needs. */
static int xenib_queue_pgdir_check(const struct xen_vibif_pgdir *pgdir,
				   u32 log_nslots, u32 slot_shift,
				   const struct xenib_limits *lim)
{
	u32 npages;
	int ret;

	if (pgdir->type != XEN_VIBIF_PGDIR_GRANT)
		return -EPROTO;
	ret = xenib_pgdir_check(pgdir, false);
	if (ret)
		return ret;
	npages = le32_to_cpu(pgdir->npages);
	if (npages != xenib_queue_npages(log_nslots, slot_shift))
		return -EINVAL;
	if (npages > lim->max_queue_pages)
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------------
 * Shared attribute blocks
 */

static int xenib_ah_attr_check(const struct xen_vibif_ah_attr *ah,
			       const struct xenib_limits *lim)
{
	if (ah->reserved || (ah->ah_flags & ~XEN_VIBIF_AH_ALL))
		return -EPROTO;
	if (!xenib_port_valid(ah->port_num))
		return -EINVAL;
	if (ah->sl > XEN_VIBIF_MAX_SL ||
	    ah->src_path_bits > XEN_VIBIF_MAX_SRC_PATH_BITS ||
	    ah->static_rate > XEN_VIBIF_RATE_MAX)
		return -EINVAL;
	if (ah->ah_flags & XEN_VIBIF_AH_GRH) {
		if (ah->sgid_index >= lim->gid_tbl_len ||
		    le32_to_cpu(ah->flow_label) > XEN_VIBIF_FLOW_LABEL_MASK)
			return -EINVAL;
	} else if (!XENIB_ZERO(ah->dgid) || ah->flow_label ||
		   ah->sgid_index || ah->hop_limit || ah->traffic_class) {
		return -EPROTO;
	}
	return 0;
}

/*
 * One row per scalar attribute of struct xen_vibif_qp_attr: the mask bit
 * that selects it, where it is, how wide, and its largest valid value (a
 * limits field when lim_off is set).  Fields of a clear bit must be zero.
 */
struct xenib_qp_attr_rule {
	u32 bit;
	u16 off;
	u8 size;
	u8 min;
	u32 max;
	s16 lim_off;	/* >= 0: value must be below *(u32 *)(lim + lim_off) */
	bool inclusive;	/* with lim_off: value <= limit instead of < */
};

#define QA_RULE(bit, f, lo, hi, lim, incl)				\
	{ XEN_VIBIF_QP_ATTR_##bit,					\
	  offsetof(struct xen_vibif_qp_attr, f),			\
	  sizeof(((struct xen_vibif_qp_attr *)0)->f), (lo), (hi), (lim), (incl) }
#define NOLIM		(-1)
#define LIM(f)		((s16)offsetof(struct xenib_limits, f))

static const struct xenib_qp_attr_rule xenib_qp_attr_rules[] = {
	QA_RULE(STATE, qp_state, 0,
		XEN_VIBIF_QP_STATE_ERR, NOLIM, false),
	QA_RULE(CUR_STATE, cur_qp_state, 0,
		XEN_VIBIF_QP_STATE_ERR, NOLIM, false),
	QA_RULE(EN_SQD_ASYNC_NOTIFY, en_sqd_async_notify, 0,
		1, NOLIM, false),
	/* a mask, checked in xenib_qp_attr_check() */
	QA_RULE(ACCESS_FLAGS, qp_access_flags, 0,
		0xffffffff, NOLIM, false),
	QA_RULE(PKEY_INDEX, pkey_index, 0,
		0, LIM(pkey_tbl_len), false),
	QA_RULE(PORT, port_num, 1,
		XEN_VIBIF_NUM_PORTS, NOLIM, false),
	QA_RULE(QKEY, qkey, 0,
		0xffffffff, NOLIM, false),
	QA_RULE(PATH_MTU, path_mtu, XEN_VIBIF_MTU_256,
		XEN_VIBIF_MTU_4096, NOLIM, false),
	QA_RULE(TIMEOUT, timeout, 0,
		XEN_VIBIF_MAX_TIMEOUT, NOLIM, false),
	QA_RULE(RETRY_CNT, retry_cnt, 0,
		XEN_VIBIF_MAX_RETRY_CNT, NOLIM, false),
	QA_RULE(RNR_RETRY, rnr_retry, 0,
		XEN_VIBIF_MAX_RETRY_CNT, NOLIM, false),
	QA_RULE(RQ_PSN, rq_psn, 0,
		XEN_VIBIF_PSN_MASK, NOLIM, false),
	QA_RULE(MAX_QP_RD_ATOMIC, max_rd_atomic, 0,
		0, LIM(max_qp_init_rd_atom), true),
	QA_RULE(ALT_PATH, alt_port_num, 1,
		XEN_VIBIF_NUM_PORTS, NOLIM, false),
	QA_RULE(ALT_PATH, alt_timeout, 0,
		XEN_VIBIF_MAX_TIMEOUT, NOLIM, false),
	QA_RULE(ALT_PATH, alt_pkey_index, 0,
		0, LIM(pkey_tbl_len), false),
	QA_RULE(MIN_RNR_TIMER, min_rnr_timer, 0,
		XEN_VIBIF_MAX_RNR_TIMER, NOLIM, false),
	QA_RULE(SQ_PSN, sq_psn, 0,
		XEN_VIBIF_PSN_MASK, NOLIM, false),
	QA_RULE(MAX_DEST_RD_ATOMIC, max_dest_rd_atomic, 0,
		0, LIM(max_qp_rd_atom), true),
	QA_RULE(PATH_MIG_STATE, path_mig_state, 0,
		XEN_VIBIF_MIG_ARMED, NOLIM, false),
	QA_RULE(DEST_QPN, dest_qp_num, 0,
		XEN_VIBIF_QPN_MASK, NOLIM, false),
};

static u32 xenib_load_le(const void *p, u8 size)
{
	const u8 *b = p;

	switch (size) {
	case 1:
		return b[0];
	case 2:
		return b[0] | (u32)b[1] << 8;
	default:
		return b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 |
		       (u32)b[3] << 24;
	}
}

static int xenib_qp_attr_scalars_check(const struct xen_vibif_qp_attr *attr,
				       u32 mask, const struct xenib_limits *lim)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xenib_qp_attr_rules); i++) {
		const struct xenib_qp_attr_rule *r = &xenib_qp_attr_rules[i];
		u32 v = xenib_load_le((const u8 *)attr + r->off, r->size);

		if (!(mask & r->bit)) {
			if (v)
				return -EPROTO;
			continue;
		}
		if (r->lim_off >= 0) {
			u32 limit;

			memcpy(&limit, (const u8 *)lim + r->lim_off,
			       sizeof(limit));
			if (r->inclusive ? v > limit : v >= limit)
				return -EINVAL;
		} else if (v < r->min || v > r->max) {
			return -EINVAL;
		}
	}
	return 0;
}

/* MODIFY_QP: only selected attributes, and only settable ones, present. */
static int xenib_qp_attr_check(const struct xen_vibif_qp_attr *attr,
			       u32 mask, const struct xenib_limits *lim)
{
	int ret;

	if (attr->reserved0 || attr->reserved1 || attr->rate_limit ||
	    attr->sq_draining)
		return -EPROTO;
	ret = xenib_qp_attr_scalars_check(attr, mask, lim);
	if (ret)
		return ret;
	if (le32_to_cpu(attr->qp_access_flags) & ~XEN_VIBIF_ACCESS_QP_ALL)
		return -EINVAL;
	if (mask & XEN_VIBIF_QP_ATTR_AV) {
		ret = xenib_ah_attr_check(&attr->ah_attr, lim);
		if (ret)
			return ret;
	} else if (!XENIB_ZERO(attr->ah_attr)) {
		return -EPROTO;
	}
	if (mask & XEN_VIBIF_QP_ATTR_ALT_PATH)
		return xenib_ah_attr_check(&attr->alt_ah_attr, lim);
	if (!XENIB_ZERO(attr->alt_ah_attr))
		return -EPROTO;
	return 0;
}

/* ------------------------------------------------------------------------
 * Requests, one checker per opcode (body already known to fit and to have
 * an all-zero tail)
 */

static int xenib_handle_req_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim __always_unused)
{
	if (b->handle.reserved)
		return -EPROTO;
	if (le32_to_cpu(b->handle.handle) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return 0;
}

static int xenib_query_device_check(const union xen_vibif_req_body *b __always_unused,
				    const struct xenib_limits *lim __always_unused)
{
	return 0;	/* empty body, tail already checked */
}

static int xenib_query_port_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim __always_unused)
{
	if (!XENIB_ZERO(b->query_port.reserved))
		return -EPROTO;
	if (!xenib_port_valid(b->query_port.port_num))
		return -EINVAL;
	return 0;
}

static int xenib_query_gid_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_query_gid_req *r = &b->query_gid;

	if (!XENIB_ZERO(r->reserved))
		return -EPROTO;
	if (!xenib_port_valid(r->port_num) ||
	    le32_to_cpu(r->index) >= lim->gid_tbl_len)
		return -EINVAL;
	return 0;
}

static int xenib_query_pkey_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim)
{
	const struct xen_vibif_query_pkey_req *r = &b->query_pkey;

	if (r->reserved0 || r->reserved1)
		return -EPROTO;
	if (!xenib_port_valid(r->port_num) ||
	    le16_to_cpu(r->index) >= lim->pkey_tbl_len)
		return -EINVAL;
	return 0;
}

static int xenib_alloc_ucontext_check(const union xen_vibif_req_body *b,
				      const struct xenib_limits *lim __always_unused)
{
	return b->alloc_ucontext.reserved ? -EPROTO : 0;
}

static int xenib_alloc_pd_check(const union xen_vibif_req_body *b,
				const struct xenib_limits *lim __always_unused)
{
	return b->alloc_pd.reserved ? -EPROTO : 0;
}

static int xenib_cq_shape_check(u8 log_nslots,
				const struct xen_vibif_pgdir *pgdir,
				const struct xenib_limits *lim)
{
	/*
	 * The ring is the power of two at or above the size asked for, which
	 * is at most max_cqe: so 2^(log_nslots - 1) < max_cqe.
	 */
	if (log_nslots > XENIB_MAX_LOG_NSLOTS || !lim->max_cqe ||
	    (log_nslots && (1U << (log_nslots - 1)) >= lim->max_cqe))
		return -EINVAL;
	return xenib_queue_pgdir_check(pgdir, log_nslots, XENIB_CQE_SHIFT,
				       lim);
}

static int xenib_create_cq_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_create_cq_req *r = &b->create_cq;

	if (!XENIB_ZERO(r->reserved))
		return -EPROTO;
	if (le32_to_cpu(r->comp_vector) >= lim->num_comp_vectors)
		return -EINVAL;
	return xenib_cq_shape_check(r->log_nslots, &r->pgdir, lim);
}

static int xenib_resize_cq_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_resize_cq_req *r = &b->resize_cq;

	if (r->reserved0 || !XENIB_ZERO(r->reserved1))
		return -EPROTO;
	if (le32_to_cpu(r->cq) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return xenib_cq_shape_check(r->log_nslots, &r->pgdir, lim);
}

static bool xenib_wq_shape_valid(u8 log_nslots, u8 shift, u8 shift_min,
				 u8 shift_max)
{
	return shift >= shift_min && shift <= shift_max &&
	       log_nslots <= XENIB_MAX_LOG_NSLOTS;
}

/* A work queue's shape: depth and SGEs fit its slots and the limits. */
static int xenib_wq_check(u32 wr, u32 sge, u8 log_nslots, u8 shift,
			  u8 shift_min, u8 shift_max, u32 hdr_size,
			  u32 max_wr, u32 max_sge)
{
	if (!xenib_wq_shape_valid(log_nslots, shift, shift_min, shift_max))
		return -EINVAL;
	if (wr > (1U << log_nslots) || wr > max_wr)
		return -EINVAL;
	if (sge > max_sge || sge > ((1U << shift) - hdr_size) / XENIB_SGE_SIZE)
		return -EINVAL;
	return 0;
}

static int xenib_create_qp_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_create_qp_req *r = &b->create_qp;
	const struct xen_vibif_qp_cap *cap = &r->cap;
	u32 inl = le32_to_cpu(cap->max_inline_data);
	int ret;

	if (r->reserved || cap->reserved)
		return -EPROTO;
	if (r->qp_type != XEN_VIBIF_QPT_RC && r->qp_type != XEN_VIBIF_QPT_UC &&
	    r->qp_type != XEN_VIBIF_QPT_UD)
		return -EPROTO;
	if (r->sq_sig_all > 1)
		return -EPROTO;
	if (le32_to_cpu(r->ucontext) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->pd) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->send_cq) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->recv_cq) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	if (le32_to_cpu(r->db_index) >= XENIB_DB_BITS)
		return -EINVAL;

	ret = xenib_wq_check(le32_to_cpu(cap->max_send_wr),
			     le32_to_cpu(cap->max_send_sge),
			     r->sq_log_nslots, r->sq_wqe_shift,
			     XENIB_SQ_WQE_SHIFT_MIN, XENIB_SQ_WQE_SHIFT_MAX,
			     XENIB_SEND_WQE_HDR_SIZE, lim->max_qp_wr,
			     lim->max_send_sge);
	if (ret)
		return ret;
	if (inl > lim->max_inline_data ||
	    inl > (1U << r->sq_wqe_shift) - XENIB_SEND_WQE_HDR_SIZE)
		return -EINVAL;
	ret = xenib_queue_pgdir_check(&r->sq_pgdir, r->sq_log_nslots,
				      r->sq_wqe_shift, lim);
	if (ret)
		return ret;

	if (le32_to_cpu(r->srq) != XEN_VIBIF_HANDLE_NONE) {
		if (r->rq_wqe_shift || r->rq_log_nslots || cap->max_recv_wr ||
		    cap->max_recv_sge || !XENIB_ZERO(r->rq_pgdir))
			return -EINVAL;
		return 0;
	}
	ret = xenib_wq_check(le32_to_cpu(cap->max_recv_wr),
			     le32_to_cpu(cap->max_recv_sge),
			     r->rq_log_nslots, r->rq_wqe_shift,
			     XENIB_RQ_WQE_SHIFT_MIN, XENIB_RQ_WQE_SHIFT_MAX,
			     XENIB_RECV_WQE_HDR_SIZE, lim->max_qp_wr,
			     lim->max_recv_sge);
	if (ret)
		return ret;
	return xenib_queue_pgdir_check(&r->rq_pgdir, r->rq_log_nslots,
				       r->rq_wqe_shift, lim);
}

static int xenib_modify_qp_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_modify_qp_req *r = &b->modify_qp;
	u32 mask = le32_to_cpu(r->attr_mask);

	if (mask & ~XEN_VIBIF_QP_ATTR_ALL)
		return -EPROTO;
	if (mask & XEN_VIBIF_QP_ATTR_CAP)
		return -EOPNOTSUPP;
	if (!mask || le32_to_cpu(r->qp) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return xenib_qp_attr_check(&r->attr, mask, lim);
}

static int xenib_query_qp_check(const union xen_vibif_req_body *b,
				const struct xenib_limits *lim __always_unused)
{
	const struct xen_vibif_query_qp_req *r = &b->query_qp;

	if (le32_to_cpu(r->attr_mask) & ~XEN_VIBIF_QP_ATTR_ALL)
		return -EPROTO;
	if (le32_to_cpu(r->qp) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return 0;
}

static int xenib_create_srq_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim)
{
	const struct xen_vibif_create_srq_req *r = &b->create_srq;
	u32 max_wr = le32_to_cpu(r->max_wr);
	int ret;

	if (!XENIB_ZERO(r->reserved))
		return -EPROTO;
	if (le32_to_cpu(r->ucontext) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->pd) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->db_index) >= XENIB_DB_BITS)
		return -EINVAL;
	ret = xenib_wq_check(max_wr, le32_to_cpu(r->max_sge), r->log_nslots,
			     r->wqe_shift, XENIB_RQ_WQE_SHIFT_MIN,
			     XENIB_RQ_WQE_SHIFT_MAX, XENIB_RECV_WQE_HDR_SIZE,
			     lim->max_srq_wr, lim->max_srq_sge);
	if (ret)
		return ret;
	if (max_wr == 0 || le32_to_cpu(r->srq_limit) >= max_wr)
		return -EINVAL;
	return xenib_queue_pgdir_check(&r->pgdir, r->log_nslots, r->wqe_shift,
				       lim);
}

static int xenib_modify_srq_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim)
{
	const struct xen_vibif_modify_srq_req *r = &b->modify_srq;
	u32 mask = le32_to_cpu(r->attr_mask);

	if (mask & ~XEN_VIBIF_SRQ_ATTR_ALL)
		return -EPROTO;
	if (mask & XEN_VIBIF_SRQ_ATTR_MAX_WR)
		return -EOPNOTSUPP;
	if (r->max_wr)
		return -EPROTO;
	if (!(mask & XEN_VIBIF_SRQ_ATTR_LIMIT) && r->srq_limit)
		return -EPROTO;
	if (!mask || le32_to_cpu(r->srq) == XEN_VIBIF_HANDLE_NONE ||
	    le32_to_cpu(r->srq_limit) >= lim->max_srq_wr)
		return -EINVAL;
	return 0;
}

static int xenib_resize_srq_check(const union xen_vibif_req_body *b,
				  const struct xenib_limits *lim)
{
	const struct xen_vibif_resize_srq_req *r = &b->resize_srq;
	u32 max_wr = le32_to_cpu(r->max_wr);

	if (!XENIB_ZERO(r->reserved))
		return -EPROTO;
	if (le32_to_cpu(r->srq) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	if (!xenib_wq_shape_valid(r->log_nslots, r->wqe_shift,
				  XENIB_RQ_WQE_SHIFT_MIN, XENIB_RQ_WQE_SHIFT_MAX))
		return -EINVAL;
	if (max_wr == 0 || max_wr > lim->max_srq_wr ||
	    max_wr > 1U << r->log_nslots)
		return -EINVAL;
	return xenib_queue_pgdir_check(&r->pgdir, r->log_nslots, r->wqe_shift,
				       lim);
}

static int xenib_mcast_check(const union xen_vibif_req_body *b,
			     const struct xenib_limits *lim __always_unused)
{
	const struct xen_vibif_mcast_req *r = &b->mcast;

	if (r->reserved)
		return -EPROTO;
	if (le32_to_cpu(r->qp) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return 0;
}

static int xenib_create_ah_check(const union xen_vibif_req_body *b,
				 const struct xenib_limits *lim)
{
	const struct xen_vibif_create_ah_req *r = &b->create_ah;

	if (r->reserved)
		return -EPROTO;
	if (le32_to_cpu(r->pd) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	return xenib_ah_attr_check(&r->ah_attr, lim);
}

static int xenib_reg_mr_check(const union xen_vibif_req_body *b,
			      const struct xenib_limits *lim)
{
	const struct xen_vibif_reg_mr_req *r = &b->reg_mr;
	u32 access = le32_to_cpu(r->access);
	u64 iova = le64_to_cpu(r->iova);
	u64 length = le64_to_cpu(r->length);
	u32 offset = le32_to_cpu(r->offset);
	u64 end, span, npages;
	int ret;

	if (r->reserved || (access & ~XEN_VIBIF_ACCESS_MR_ALL))
		return -EPROTO;
	if ((access & (XEN_VIBIF_ACCESS_REMOTE_WRITE |
		       XEN_VIBIF_ACCESS_REMOTE_ATOMIC)) &&
	    !(access & XEN_VIBIF_ACCESS_LOCAL_WRITE))
		return -EINVAL;
	if (le32_to_cpu(r->pd) == XEN_VIBIF_HANDLE_NONE)
		return -EINVAL;
	if (length == 0 || length > lim->max_mr_size)
		return -EINVAL;
	if (offset >= XEN_VIBIF_PAGE_SIZE ||
	    offset != (iova & (XEN_VIBIF_PAGE_SIZE - 1)))
		return -EINVAL;
	if (check_add_overflow(iova, length - 1, &end))
		return -EINVAL;
	if (check_add_overflow(length, (u64)offset, &span))
		return -EINVAL;
	npages = DIV_ROUND_UP(span, (u64)XEN_VIBIF_PAGE_SIZE);
	if (npages > lim->max_mr_pages || npages > XEN_VIBIF_PGDIR_MAX_PAGES)
		return -EINVAL;
	ret = xenib_pgdir_check(&r->pgdir, lim->feature_gfn_mr);
	if (ret)
		return ret;
	if (le32_to_cpu(r->pgdir.npages) != npages)
		return -EINVAL;
	return 0;
}

struct xenib_op {
	u8 req_size;
	u8 rsp_size;
	int (*check)(const union xen_vibif_req_body *b,
		     const struct xenib_limits *lim);
};

#define XENIB_OP(op, req, rsp, fn)					\
	[XEN_VIBIF_OP_##op] = { (req), (rsp), (fn) }
#define SZ(t)	sizeof(struct t)

static const struct xenib_op xenib_ops[XEN_VIBIF_OP_COUNT] = {
	XENIB_OP(QUERY_DEVICE, 0, SZ(xen_vibif_query_device_rsp),
		 xenib_query_device_check),
	XENIB_OP(QUERY_PORT, SZ(xen_vibif_port_req),
		 SZ(xen_vibif_query_port_rsp), xenib_query_port_check),
	XENIB_OP(QUERY_GID, SZ(xen_vibif_query_gid_req),
		 SZ(xen_vibif_query_gid_rsp), xenib_query_gid_check),
	XENIB_OP(QUERY_PKEY, SZ(xen_vibif_query_pkey_req),
		 SZ(xen_vibif_query_pkey_rsp), xenib_query_pkey_check),
	XENIB_OP(ALLOC_UCONTEXT, SZ(xen_vibif_alloc_ucontext_req),
		 SZ(xen_vibif_handle_rsp), xenib_alloc_ucontext_check),
	XENIB_OP(DEALLOC_UCONTEXT, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(ALLOC_PD, SZ(xen_vibif_alloc_pd_req),
		 SZ(xen_vibif_handle_rsp), xenib_alloc_pd_check),
	XENIB_OP(DEALLOC_PD, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(CREATE_CQ, SZ(xen_vibif_create_cq_req),
		 SZ(xen_vibif_create_cq_rsp), xenib_create_cq_check),
	XENIB_OP(RESIZE_CQ, SZ(xen_vibif_resize_cq_req),
		 SZ(xen_vibif_resize_cq_rsp), xenib_resize_cq_check),
	XENIB_OP(DESTROY_CQ, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(CREATE_QP, SZ(xen_vibif_create_qp_req),
		 SZ(xen_vibif_create_qp_rsp), xenib_create_qp_check),
	XENIB_OP(MODIFY_QP, SZ(xen_vibif_modify_qp_req), 0,
		 xenib_modify_qp_check),
	XENIB_OP(QUERY_QP, SZ(xen_vibif_query_qp_req),
		 SZ(xen_vibif_query_qp_rsp), xenib_query_qp_check),
	XENIB_OP(DESTROY_QP, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(CREATE_SRQ, SZ(xen_vibif_create_srq_req),
		 SZ(xen_vibif_create_srq_rsp), xenib_create_srq_check),
	XENIB_OP(MODIFY_SRQ, SZ(xen_vibif_modify_srq_req), 0,
		 xenib_modify_srq_check),
	XENIB_OP(QUERY_SRQ, SZ(xen_vibif_handle_req),
		 SZ(xen_vibif_query_srq_rsp), xenib_handle_req_check),
	XENIB_OP(DESTROY_SRQ, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(CREATE_AH, SZ(xen_vibif_create_ah_req),
		 SZ(xen_vibif_handle_rsp), xenib_create_ah_check),
	XENIB_OP(DESTROY_AH, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(REG_MR, SZ(xen_vibif_reg_mr_req),
		 SZ(xen_vibif_reg_mr_rsp), xenib_reg_mr_check),
	XENIB_OP(DEREG_MR, SZ(xen_vibif_handle_req), 0,
		 xenib_handle_req_check),
	XENIB_OP(RESIZE_SRQ, SZ(xen_vibif_resize_srq_req),
		 SZ(xen_vibif_resize_srq_rsp), xenib_resize_srq_check),
	XENIB_OP(ATTACH_MCAST, SZ(xen_vibif_mcast_req), 0, xenib_mcast_check),
	XENIB_OP(DETACH_MCAST, SZ(xen_vibif_mcast_req), 0, xenib_mcast_check),
};

/* NULL for an opcode outside the table; the index is clamped first. */
static const struct xenib_op *xenib_op_lookup(u16 opcode)
{
	const struct xenib_op *op;

	if (opcode == 0 || opcode >= ARRAY_SIZE(xenib_ops))
		return NULL;
	op = &xenib_ops[array_index_nospec(opcode, ARRAY_SIZE(xenib_ops))];
	return op->check ? op : NULL;
}

/**
 * xenib_request_body_size() - octets of a request body an opcode uses
 * @opcode: XEN_VIBIF_OP_*
 *
 * Context: any.
 * Return: size of the opcode's request structure (0 for an empty body or
 * an unknown opcode).
 */
u32 xenib_request_body_size(u16 opcode)
{
	const struct xenib_op *op = xenib_op_lookup(opcode);

	return op ? op->req_size : 0;
}

/**
 * xenib_response_body_size() - octets of a response body an opcode uses
 * @opcode: XEN_VIBIF_OP_*
 *
 * Context: any.
 * Return: size of the opcode's response structure (0 for an empty body or
 * an unknown opcode).
 */
u32 xenib_response_body_size(u16 opcode)
{
	const struct xenib_op *op = xenib_op_lookup(opcode);

	return op ? op->rsp_size : 0;
}

/**
 * xenib_request_check() - validate a control request (backend side)
 * @copy: private copy of the request (RING_COPY_REQUEST())
 * @lim: what this guest may ask for
 *
 * Checks the header (known opcode, flags and reserved zero), that the body
 * octets past the opcode's structure are zero, and every field of the
 * opcode's structure: reserved fields zero, enums and flags known, handles
 * present where required, counts, lengths and indices within @lim and the
 * protocol limits (overflow-checked), queue and MR page directories
 * consistent with the sizes they describe.  Handles are not looked up:
 * the backend does that and answers XEN_VIBIF_ENOENT.
 *
 * Context: any.
 * Return: 0 if valid, else -EOPNOTSUPP, -EPROTO or -EINVAL (validate.h).
 */
int xenib_request_check(const struct xen_vibif_request *copy,
			const struct xenib_limits *lim)
{
	const struct xenib_op *op = xenib_op_lookup(le16_to_cpu(copy->hdr.opcode));

	if (!op)
		return -EOPNOTSUPP;
	if (copy->hdr.flags || copy->hdr.reserved)
		return -EPROTO;
	if (!xenib_all_zero(&copy->u.raw[op->req_size],
			    XEN_VIBIF_BODY_SIZE - op->req_size))
		return -EPROTO;
	return op->check(&copy->u, lim);
}

/* ------------------------------------------------------------------------
 * Responses (frontend side): everything the backend says is checked
 * against what was asked for; any failure is -EPROTO.
 */

static bool xenib_cap_granted(const struct xen_vibif_qp_cap *got,
			      const struct xen_vibif_create_qp_req *req)
{
	const struct xen_vibif_qp_cap *want = &req->cap;
	u32 sq_slot = 1U << (req->sq_wqe_shift & 31);
	u32 rq_slot = 1U << (req->rq_wqe_shift & 31);
	u32 v;

	if (got->reserved ||
	    !xenib_wq_shape_valid(req->sq_log_nslots, req->sq_wqe_shift,
				  XENIB_SQ_WQE_SHIFT_MIN, XENIB_SQ_WQE_SHIFT_MAX))
		return false;
	v = le32_to_cpu(got->max_send_wr);
	if (v < le32_to_cpu(want->max_send_wr) || v > 1U << req->sq_log_nslots)
		return false;
	v = le32_to_cpu(got->max_send_sge);
	if (v < le32_to_cpu(want->max_send_sge) ||
	    v > (sq_slot - XENIB_SEND_WQE_HDR_SIZE) / XENIB_SGE_SIZE)
		return false;
	v = le32_to_cpu(got->max_inline_data);
	if (v < le32_to_cpu(want->max_inline_data) ||
	    v > sq_slot - XENIB_SEND_WQE_HDR_SIZE)
		return false;
	if (le32_to_cpu(req->srq) != XEN_VIBIF_HANDLE_NONE)
		return !got->max_recv_wr && !got->max_recv_sge;
	if (!xenib_wq_shape_valid(req->rq_log_nslots, req->rq_wqe_shift,
				  XENIB_RQ_WQE_SHIFT_MIN, XENIB_RQ_WQE_SHIFT_MAX))
		return false;
	v = le32_to_cpu(got->max_recv_wr);
	if (v < le32_to_cpu(want->max_recv_wr) || v > 1U << req->rq_log_nslots)
		return false;
	v = le32_to_cpu(got->max_recv_sge);
	if (v < le32_to_cpu(want->max_recv_sge) ||
	    v > (rq_slot - XENIB_RECV_WQE_HDR_SIZE) / XENIB_SGE_SIZE)
		return false;
	return true;
}

static bool xenib_ah_attr_sane(const struct xen_vibif_ah_attr *ah)
{
	return !ah->reserved && !(ah->ah_flags & ~XEN_VIBIF_AH_ALL) &&
	       ah->sl <= XEN_VIBIF_MAX_SL &&
	       ah->src_path_bits <= XEN_VIBIF_MAX_SRC_PATH_BITS &&
	       ah->static_rate <= XEN_VIBIF_RATE_MAX &&
	       le32_to_cpu(ah->flow_label) <= XEN_VIBIF_FLOW_LABEL_MASK;
}

static bool xenib_query_qp_rsp_sane(const struct xen_vibif_query_qp_rsp *r)
{
	const struct xen_vibif_qp_attr *a = &r->attr;

	if (!XENIB_ZERO(r->reserved) || r->cap.reserved || r->sq_sig_all > 1)
		return false;
	if (a->reserved0 || a->reserved1 || a->rate_limit)
		return false;
	if (a->qp_state > XEN_VIBIF_QP_STATE_ERR ||
	    a->cur_qp_state > XEN_VIBIF_QP_STATE_ERR ||
	    a->path_mtu > XEN_VIBIF_MTU_4096 ||
	    a->path_mig_state > XEN_VIBIF_MIG_ARMED ||
	    a->en_sqd_async_notify > 1 || a->sq_draining > 1 ||
	    (le32_to_cpu(a->qp_access_flags) & ~XEN_VIBIF_ACCESS_QP_ALL) ||
	    le32_to_cpu(a->rq_psn) > XEN_VIBIF_PSN_MASK ||
	    le32_to_cpu(a->sq_psn) > XEN_VIBIF_PSN_MASK ||
	    le32_to_cpu(a->dest_qp_num) > XEN_VIBIF_QPN_MASK ||
	    a->port_num > XEN_VIBIF_NUM_PORTS ||
	    a->alt_port_num > XEN_VIBIF_NUM_PORTS)
		return false;
	return xenib_ah_attr_sane(&a->ah_attr) &&
	       xenib_ah_attr_sane(&a->alt_ah_attr);
}

static bool xenib_query_device_rsp_sane(const struct xen_vibif_query_device_rsp *r)
{
	if (!XENIB_ZERO(r->reserved))
		return false;
	if (le64_to_cpu(r->device_cap_flags) & ~(u64)XEN_VIBIF_DEVCAP_ALL)
		return false;
	if (r->phys_port_cnt != XEN_VIBIF_NUM_PORTS ||
	    r->atomic_cap > XEN_VIBIF_ATOMIC_GLOB)
		return false;
	if (le32_to_cpu(r->max_qp_wr) > 1U << XENIB_MAX_LOG_NSLOTS ||
	    le32_to_cpu(r->max_cqe) > 1U << XENIB_MAX_LOG_NSLOTS ||
	    le32_to_cpu(r->max_srq_wr) > 1U << XENIB_MAX_LOG_NSLOTS)
		return false;
	if (le32_to_cpu(r->max_send_sge) >
	    ((1U << XENIB_SQ_WQE_SHIFT_MAX) - XENIB_SEND_WQE_HDR_SIZE) /
	    XENIB_SGE_SIZE)
		return false;
	if (le32_to_cpu(r->max_recv_sge) >
	    ((1U << XENIB_RQ_WQE_SHIFT_MAX) - XENIB_RECV_WQE_HDR_SIZE) /
	    XENIB_SGE_SIZE ||
	    le32_to_cpu(r->max_srq_sge) >
	    ((1U << XENIB_RQ_WQE_SHIFT_MAX) - XENIB_RECV_WQE_HDR_SIZE) /
	    XENIB_SGE_SIZE)
		return false;
	return le32_to_cpu(r->max_inline_data) <=
	       (1U << XENIB_SQ_WQE_SHIFT_MAX) - XENIB_SEND_WQE_HDR_SIZE;
}

static bool xenib_query_port_rsp_sane(const struct xen_vibif_query_port_rsp *r)
{
	return !r->reserved0 && r->state <= XEN_VIBIF_PORT_ACTIVE_DEFER &&
	       r->max_mtu >= XEN_VIBIF_MTU_256 &&
	       r->max_mtu <= XEN_VIBIF_MTU_4096 &&
	       r->active_mtu >= XEN_VIBIF_MTU_256 &&
	       r->active_mtu <= XEN_VIBIF_MTU_4096 &&
	       (r->link_layer == XEN_VIBIF_LINK_LAYER_INFINIBAND ||
		r->link_layer == XEN_VIBIF_LINK_LAYER_ETHERNET);
}

/*
 * A CQ's size: 2^log_nslots, or less when the device's max_cqe is below
 * that, but always more than 2^(log_nslots - 1), i.e. at least any size
 * that userlib rounds up to this log_nslots.
 */
static bool xenib_cqe_fits(u32 cqe, u8 log_nslots)
{
	return log_nslots <= XENIB_MAX_LOG_NSLOTS && cqe <= 1U << log_nslots &&
	       (log_nslots ? cqe > 1U << (log_nslots - 1) : cqe == 1);
}

static bool xenib_rsp_body_sane(const struct xen_vibif_response *rsp,
				const struct xen_vibif_request *req, u16 opcode)
{
	const union xen_vibif_rsp_body *b = &rsp->u;
	const union xen_vibif_req_body *q = &req->u;
	u32 v;

	switch (opcode) {
	case XEN_VIBIF_OP_QUERY_DEVICE:
		return xenib_query_device_rsp_sane(&b->query_device);
	case XEN_VIBIF_OP_QUERY_PORT:
		return xenib_query_port_rsp_sane(&b->query_port);
	case XEN_VIBIF_OP_QUERY_GID:
		return XENIB_ZERO(b->query_gid.reserved) &&
		       b->query_gid.gid_type <= XEN_VIBIF_GID_TYPE_ROCE_UDP_ENCAP;
	case XEN_VIBIF_OP_QUERY_PKEY:
		return XENIB_ZERO(b->query_pkey.reserved);
	case XEN_VIBIF_OP_ALLOC_UCONTEXT:
	case XEN_VIBIF_OP_ALLOC_PD:
	case XEN_VIBIF_OP_CREATE_AH:
		return !b->handle.reserved &&
		       le32_to_cpu(b->handle.handle) != XEN_VIBIF_HANDLE_NONE;
	case XEN_VIBIF_OP_CREATE_CQ:
		return le32_to_cpu(b->create_cq.cq) != XEN_VIBIF_HANDLE_NONE &&
		       xenib_cqe_fits(le32_to_cpu(b->create_cq.cqe),
				      q->create_cq.log_nslots);
	case XEN_VIBIF_OP_RESIZE_CQ:
		return !b->resize_cq.reserved &&
		       xenib_cqe_fits(le32_to_cpu(b->resize_cq.cqe),
				      q->resize_cq.log_nslots);
	case XEN_VIBIF_OP_CREATE_QP:
		return le32_to_cpu(b->create_qp.qp) != XEN_VIBIF_HANDLE_NONE &&
		       le32_to_cpu(b->create_qp.qpn) <= XEN_VIBIF_QPN_MASK &&
		       xenib_cap_granted(&b->create_qp.cap, &q->create_qp);
	case XEN_VIBIF_OP_QUERY_QP:
		return xenib_query_qp_rsp_sane(&b->query_qp);
	case XEN_VIBIF_OP_CREATE_SRQ:
		v = le32_to_cpu(b->create_srq.max_wr);
		if (!xenib_wq_shape_valid(q->create_srq.log_nslots,
					  q->create_srq.wqe_shift,
					  XENIB_RQ_WQE_SHIFT_MIN,
					  XENIB_RQ_WQE_SHIFT_MAX))
			return false;
		return le32_to_cpu(b->create_srq.srq) != XEN_VIBIF_HANDLE_NONE &&
		       le32_to_cpu(b->create_srq.srqn) <= XEN_VIBIF_QPN_MASK &&
		       v >= le32_to_cpu(q->create_srq.max_wr) &&
		       v <= 1U << q->create_srq.log_nslots &&
		       le32_to_cpu(b->create_srq.max_sge) >=
		       le32_to_cpu(q->create_srq.max_sge) &&
		       le32_to_cpu(b->create_srq.max_sge) <=
		       ((1U << q->create_srq.wqe_shift) -
			XENIB_RECV_WQE_HDR_SIZE) / XENIB_SGE_SIZE;
	case XEN_VIBIF_OP_QUERY_SRQ:
		return !b->query_srq.reserved &&
		       le32_to_cpu(b->query_srq.srq_limit) <=
		       le32_to_cpu(b->query_srq.max_wr);
	case XEN_VIBIF_OP_REG_MR:
		return le32_to_cpu(b->reg_mr.mr) != XEN_VIBIF_HANDLE_NONE &&
		       !b->reg_mr.reserved;
	case XEN_VIBIF_OP_RESIZE_SRQ:
		v = le32_to_cpu(b->resize_srq.max_wr);
		return !b->resize_srq.reserved && q->resize_srq.log_nslots <=
		       XENIB_MAX_LOG_NSLOTS &&
		       v >= le32_to_cpu(q->resize_srq.max_wr) &&
		       v <= 1U << q->resize_srq.log_nslots;
	default:
		return true;	/* empty bodies: the tail check covered them */
	}
}

/**
 * xenib_response_check() - validate a control response (frontend side)
 * @copy: private copy of the response (RING_COPY_RESPONSE())
 * @req: the request it answers, as the frontend sent it (so it is valid
 *       and the frontend matched @copy to it by id)
 *
 * Checks that the id and opcode echo @req, reserved is zero, the status is
 * a known wire status, a failed response has an all-zero body, and a
 * successful one has an all-zero tail and sane fields: non-zero new
 * handles, QP/SRQ numbers within 24 bits, enums in range, granted
 * capacities at least what was asked and within the queue buffers, CQ
 * sizes as requested.
 *
 * Context: any.
 * Return: 0 if valid, -EPROTO if the backend broke the protocol.
 */
int xenib_response_check(const struct xen_vibif_response *copy,
			 const struct xen_vibif_request *req)
{
	u16 opcode = le16_to_cpu(copy->hdr.opcode);
	u32 status = le32_to_cpu(copy->hdr.status);
	u32 size;

	if (copy->hdr.id != req->hdr.id || copy->hdr.opcode != req->hdr.opcode)
		return -EPROTO;
	if (copy->hdr.reserved || status >= XEN_VIBIF_STATUS_COUNT)
		return -EPROTO;
	if (!xenib_op_lookup(opcode))
		return -EPROTO;
	if (status != XEN_VIBIF_OK)
		return XENIB_ZERO(copy->u.raw) ? 0 : -EPROTO;
	size = xenib_response_body_size(opcode);
	if (!xenib_all_zero(&copy->u.raw[size], XEN_VIBIF_BODY_SIZE - size))
		return -EPROTO;
	return xenib_rsp_body_sane(copy, req, opcode) ? 0 : -EPROTO;
}

/* ------------------------------------------------------------------------
 * WQEs (backend side, on the private copy of one slot)
 */

/* SGEs: within @len, no address wrap, total within XENIB_MAX_MSG_SIZE. */
static int xenib_sges_check(const u8 *base, u32 hdr_size, u32 num_sge,
			    u32 len, u64 *total)
{
	u32 i;

	if (hdr_size + num_sge * XENIB_SGE_SIZE > len)
		return -EINVAL;
	*total = 0;
	for (i = 0; i < num_sge; i++) {
		struct xenib_sge sge;
		u64 last;

		memcpy(&sge, base + hdr_size + i * XENIB_SGE_SIZE, sizeof(sge));
		if (sge.length &&
		    check_add_overflow((u64)sge.addr, (u64)sge.length - 1,
				       &last))
			return -EINVAL;
		*total += sge.length;
		if (*total > XENIB_MAX_MSG_SIZE)
			return -EINVAL;
	}
	return 0;
}

static bool xenib_wr_allowed(u8 opcode, u8 qp_type)
{
	switch (qp_type) {
	case XEN_VIBIF_QPT_UD:
		return opcode == XENIB_WR_SEND ||
		       opcode == XENIB_WR_SEND_WITH_IMM;
	case XEN_VIBIF_QPT_UC:
		return opcode == XENIB_WR_SEND ||
		       opcode == XENIB_WR_SEND_WITH_IMM ||
		       opcode == XENIB_WR_RDMA_WRITE ||
		       opcode == XENIB_WR_RDMA_WRITE_WITH_IMM;
	case XEN_VIBIF_QPT_RC:
		return opcode < XENIB_WR_COUNT;
	default:
		return false;
	}
}

static int xenib_send_wr_union_check(const struct xenib_send_wqe *w,
				     u8 qp_type, u64 total)
{
	const union xenib_send_wqe_wr *wr = &w->wr;
	u64 last;

	switch (w->opcode) {
	case XENIB_WR_RDMA_WRITE:
	case XENIB_WR_RDMA_WRITE_WITH_IMM:
	case XENIB_WR_RDMA_READ:
		if (wr->rdma.reserved ||
		    !xenib_all_zero(&wr->raw[sizeof(wr->rdma)],
				    sizeof(wr->raw) - sizeof(wr->rdma)))
			return -EPROTO;
		if (total &&
		    check_add_overflow((u64)wr->rdma.remote_addr, total - 1,
				       &last))
			return -EINVAL;
		return 0;
	case XENIB_WR_ATOMIC_CMP_AND_SWP:
	case XENIB_WR_ATOMIC_FETCH_AND_ADD:
		if (wr->atomic.reserved ||
		    !xenib_all_zero(&wr->raw[sizeof(wr->atomic)],
				    sizeof(wr->raw) - sizeof(wr->atomic)))
			return -EPROTO;
		if (w->opcode == XENIB_WR_ATOMIC_FETCH_AND_ADD &&
		    wr->atomic.swap)
			return -EPROTO;
		if (wr->atomic.remote_addr & 7)
			return -EINVAL;
		return 0;
	default:	/* SEND, SEND_WITH_IMM */
		if (qp_type != XEN_VIBIF_QPT_UD)
			return XENIB_ZERO(wr->raw) ? 0 : -EPROTO;
		if (wr->ud.reserved ||
		    !xenib_all_zero(&wr->raw[sizeof(wr->ud)],
				    sizeof(wr->raw) - sizeof(wr->ud)))
			return -EPROTO;
		if (wr->ud.ah == XEN_VIBIF_HANDLE_NONE ||
		    wr->ud.remote_qpn > XEN_VIBIF_QPN_MASK)
			return -EINVAL;
		return 0;
	}
}

/**
 * xenib_send_wqe_check() - validate a send WQE (backend data engine)
 * @copy: private copy of the slot, starting with struct xenib_send_wqe
 * @len: valid octets in @copy, 64 .. 2^wqe_shift
 * @p: the QP's send queue parameters
 *
 * Rules (xenib-abi.h): opcode allowed on the QP type; known send flags;
 * reserved fields zero; imm_data zero unless *_WITH_IMM; INLINE only with
 * SEND* and RDMA_WRITE*, num_sge 0 and inline_len within the QP's
 * max_inline and the copy; otherwise inline_len 0 and num_sge SGEs within
 * max_sge and the copy, none wrapping, total at most XENIB_MAX_MSG_SIZE;
 * RDMA remote range not wrapping; atomics with one 8-octet SGE and an
 * 8-octet aligned remote address; UD fields (AH handle, 24-bit remote QPN)
 * only on UD QPs; octets of the wr union not used by the opcode zero.
 *
 * Context: any.
 * Return: 0 if valid, else -EPROTO or -EINVAL.
 */
int xenib_send_wqe_check(const void *copy, u32 len,
			 const struct xenib_sq_params *p)
{
	const struct xenib_send_wqe *w = copy;
	u16 flags = w->send_flags;
	bool imm = w->opcode == XENIB_WR_SEND_WITH_IMM ||
		   w->opcode == XENIB_WR_RDMA_WRITE_WITH_IMM;
	u64 total = 0;
	int ret;

	if (len < XENIB_SEND_WQE_HDR_SIZE || p->wqe_shift > 31 ||
	    len > 1U << p->wqe_shift)
		return -EINVAL;
	if (w->opcode >= XENIB_WR_COUNT || (flags & ~XENIB_SEND_ALL) ||
	    w->reserved0 || w->reserved1 || (!imm && w->imm_data))
		return -EPROTO;
	if (!xenib_wr_allowed(w->opcode, p->qp_type))
		return -EINVAL;

	if (flags & XENIB_SEND_INLINE) {
		if (w->opcode != XENIB_WR_SEND &&
		    w->opcode != XENIB_WR_SEND_WITH_IMM &&
		    w->opcode != XENIB_WR_RDMA_WRITE &&
		    w->opcode != XENIB_WR_RDMA_WRITE_WITH_IMM)
			return -EINVAL;
		if (w->num_sge)
			return -EPROTO;
		if (w->inline_len > p->max_inline ||
		    w->inline_len > len - XENIB_SEND_WQE_HDR_SIZE)
			return -EINVAL;
		total = w->inline_len;
	} else {
		if (w->inline_len)
			return -EPROTO;
		if (w->num_sge > p->max_sge)
			return -EINVAL;
		ret = xenib_sges_check(copy, XENIB_SEND_WQE_HDR_SIZE,
				       w->num_sge, len, &total);
		if (ret)
			return ret;
		if (w->opcode == XENIB_WR_ATOMIC_CMP_AND_SWP ||
		    w->opcode == XENIB_WR_ATOMIC_FETCH_AND_ADD) {
			struct xenib_sge sge;

			if (w->num_sge != 1)
				return -EINVAL;
			memcpy(&sge, (const u8 *)copy + XENIB_SEND_WQE_HDR_SIZE,
			       sizeof(sge));
			if (sge.length != 8)
				return -EINVAL;
		}
	}
	return xenib_send_wr_union_check(w, p->qp_type, total);
}

/**
 * xenib_recv_wqe_check() - validate a receive WQE (RQ or SRQ)
 * @copy: private copy of the slot, starting with struct xenib_recv_wqe
 * @len: valid octets in @copy, 16 .. 2^wqe_shift
 * @p: the queue's parameters
 *
 * Rules: reserved fields zero; num_sge within max_sge and the copy; no SGE
 * wraps; total at most XENIB_MAX_MSG_SIZE.
 *
 * Context: any.
 * Return: 0 if valid, else -EPROTO or -EINVAL.
 */
int xenib_recv_wqe_check(const void *copy, u32 len,
			 const struct xenib_rq_params *p)
{
	const struct xenib_recv_wqe *w = copy;
	u64 total;

	if (len < XENIB_RECV_WQE_HDR_SIZE || p->wqe_shift > 31 ||
	    len > 1U << p->wqe_shift)
		return -EINVAL;
	if (w->reserved0 || w->reserved1)
		return -EPROTO;
	if (w->num_sge > p->max_sge)
		return -EINVAL;
	return xenib_sges_check(copy, XENIB_RECV_WQE_HDR_SIZE, w->num_sge, len,
				&total);
}

/* ------------------------------------------------------------------------
 * Events (frontend side)
 */

static bool xenib_event_code_valid(u8 type, u8 code)
{
	switch (type) {
	case XEN_VIBIF_EVT_COMP:
		return code == 0;
	case XEN_VIBIF_EVT_CQ_ERR:
		return code == XEN_VIBIF_IBEV_CQ_ERR;
	case XEN_VIBIF_EVT_QP_EVENT:
		return (code >= XEN_VIBIF_IBEV_QP_FATAL &&
			code <= XEN_VIBIF_IBEV_PATH_MIG_ERR) ||
		       code == XEN_VIBIF_IBEV_QP_LAST_WQE_REACHED;
	case XEN_VIBIF_EVT_SRQ_EVENT:
		return code == XEN_VIBIF_IBEV_SRQ_ERR ||
		       code == XEN_VIBIF_IBEV_SRQ_LIMIT_REACHED;
	case XEN_VIBIF_EVT_PORT_EVENT:
		return (code >= XEN_VIBIF_IBEV_PORT_ACTIVE &&
			code <= XEN_VIBIF_IBEV_SM_CHANGE) ||
		       code == XEN_VIBIF_IBEV_CLIENT_REREGISTER ||
		       code == XEN_VIBIF_IBEV_GID_CHANGE;
	case XEN_VIBIF_EVT_DEVICE_FATAL:
		return code == XEN_VIBIF_IBEV_DEVICE_FATAL;
	default:
		return false;
	}
}

/**
 * xenib_event_check() - validate an event ring entry (frontend side)
 * @copy: private copy of the entry
 *
 * Rules (vibif.h, "Event ring"): known type; code belonging to the type;
 * handle non-zero for CQ/QP/SRQ events, a valid port for port events, zero
 * for DEVICE_FATAL; data zero except for COMP; reserved fields zero.
 *
 * Context: any.
 * Return: 0 if valid, -EPROTO otherwise.
 */
int xenib_event_check(const struct xen_vibif_event *copy)
{
	u32 handle = le32_to_cpu(copy->handle);

	if (copy->reserved || copy->reserved2)
		return -EPROTO;
	if (!xenib_event_code_valid(copy->type, copy->code))
		return -EPROTO;
	if (copy->type != XEN_VIBIF_EVT_COMP && copy->data)
		return -EPROTO;
	switch (copy->type) {
	case XEN_VIBIF_EVT_PORT_EVENT:
		return handle >= 1 && handle <= XEN_VIBIF_NUM_PORTS ?
		       0 : -EPROTO;
	case XEN_VIBIF_EVT_DEVICE_FATAL:
		return handle == 0 ? 0 : -EPROTO;
	default:
		return handle != XEN_VIBIF_HANDLE_NONE ? 0 : -EPROTO;
	}
}
