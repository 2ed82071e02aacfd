/* evidence/signer/tsa.c -- an RFC 3161 timestamp over the signature
 *
 * Rekor v2 entries carry no integrated time, so a bundle logged there needs
 * a timestamp authority to prove when the short-lived certificate was used
 * (sigstore.md §4, §11.6). We ask with the JSON form the Sigstore TSA
 * accepts and keep the answer only if it is a granted TimeStampResp over
 * exactly our signature; its CMS signature and chain are checked by the
 * verifier's self-check against the trusted root.
 */
#include "evidence/signer/internal.h"

#include <openssl/ts.h>
#include <stdlib.h>
#include <string.h>

/* Checks the DER answer: a granted TimeStampResp whose SHA-256 imprint is
 * `want`. */
static int tsa_check(const unsigned char *der, size_t len,
		     const unsigned char want[32], ae_err *err)
{
	const unsigned char *p = der;
	TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)len);
	TS_TST_INFO *info;
	TS_MSG_IMPRINT *mi;
	ASN1_OCTET_STRING *imprint;
	X509_ALGOR *alg;
	const ASN1_OBJECT *obj = NULL;
	long status;
	int rc = 0;

	if (resp == NULL || p != der + len) {
		rc = ae_fail(err, AE_EINVAL,
			     "timestamp answer is not a DER TimeStampResp");
		goto done;
	}
	status = ASN1_INTEGER_get(
		TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
	info = TS_RESP_get_tst_info(resp);
	if ((status != 0 && status != 1) || info == NULL) {
		rc = ae_fail(err, AE_EINVAL,
			     "timestamp authority refused (status %ld)",
			     status);
		goto done;
	}
	mi = TS_TST_INFO_get_msg_imprint(info);
	alg = TS_MSG_IMPRINT_get_algo(mi);
	imprint = TS_MSG_IMPRINT_get_msg(mi);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (OBJ_obj2nid(obj) != NID_sha256 ||
	    ASN1_STRING_length(imprint) != 32 ||
	    memcmp(ASN1_STRING_get0_data(imprint), want, 32) != 0)
		rc = ae_fail(err, AE_EINVAL,
			     "timestamp does not cover our signature");
done:
	TS_RESP_free(resp);
	return rc;
}

int ev__tsa_request(unsigned char **der_out, size_t *der_len_out,
		    const char *url, const unsigned char *sig, size_t sig_len,
		    int64_t deadline, ae_err *err)
{
	ev__http_req rq = {0};
	ev__http_resp resp = {0};
	unsigned char h[32];
	char *h_b64 = NULL, *req = NULL;
	char rbuf[AE_REPR_BUF];
	json_t *rj = NULL;
	int rc;

	*der_out = NULL;
	*der_len_out = 0;
	ae_sha256(h, sig, sig_len);
	rc = ae_base64_encode(&h_b64, h, sizeof(h), err);
	if (rc < 0)
		goto done;
	rj = json_pack("{s:s,s:s}", "artifactHash", h_b64, "hashAlgorithm",
		       "sha256");
	req = rj ? json_dumps(rj, JSON_COMPACT) : NULL;
	if (req == NULL) {
		rc = ae_fail(err, AE_ERR, "out of memory");
		goto done;
	}
	rq.what = "timestamp authority";
	rq.url = url;
	rq.content_type = "application/json";
	rq.body = req;
	rq.body_len = strlen(req);
	rq.deadline_ms = deadline;
	rc = ev__sign_http(&resp, &rq, err);
	if (rc == 0 && resp.status != 200 && resp.status != 201)
		rc = ae_fail(
			err, AE_EINVAL,
			"unexpected HTTP %ld from the timestamp authority: "
			"%s",
			resp.status,
			ae_repr(rbuf, sizeof(rbuf), resp.body.data,
				resp.body.len));
	if (rc == 0)
		rc = tsa_check(resp.body.data, resp.body.len, h, err);
	if (rc == 0) {
		*der_len_out = resp.body.len;
		*der_out = ae_buf_detach(&resp.body, NULL);
	}
done:
	ev__http_resp_dispose(&resp);
	json_decref(rj);
	free(req);
	free(h_b64);
	return rc;
}
