/* Memo attack harness: verify good chains (memoized), then bad ones in the
 * same process; every bad one must be refused. Exit 1 if any passes. */
#include "evidence/sigstore/internal.h"
#include <openssl/pem.h>
#include <stdio.h>
#include <time.h>
#include <pthread.h>
static X509 *ld(const char *f){FILE*p=fopen(f,"r");X509*x=p?PEM_read_X509(p,NULL,NULL,NULL):NULL;if(p)fclose(p);if(!x){fprintf(stderr,"load %s\n",f);exit(2);}return x;}
static int vfy(const char *leaf,const char *inter,const char *root,int64_t at){
	ev__ca ca; ae_err e={0}; X509*iss=NULL;
	memset(&ca,0,sizeof ca); ca.chain=sk_X509_new_null();
	if(inter)sk_X509_push(ca.chain,ld(inter));
	if(root)sk_X509_push(ca.chain,ld(root));
	ca.valid.start=0;
	X509*l=ld(leaf);
	int rc=ev__cert_chain_verify(&iss,l,NULL,&ca,1,at,&e);
	X509_free(iss);X509_free(l);sk_X509_pop_free(ca.chain,X509_free);
	return rc;
}
static int bad=0;
static void expect(const char*what,int rc,int ok){
	int pass=(rc==0);
	printf("%-55s %s (%s)\n",what,pass?"ACCEPTED":"refused",pass==ok?"as expected":"WRONG");
	if(pass!=ok)bad=1;
}
static int64_t T;
static void *th(void*a){long b=(long)a;char f[32];for(int n=b;n<=70;n+=4){snprintf(f,sizeof f,"f%d.pem",n);if(vfy(f,"i.pem","r.pem",T)!=0)__atomic_store_n(&bad,1,0);}return NULL;}
int main(void){
	T=(int64_t)time(NULL)+3600;
	expect("good leaf/inter/root (memoizes)",vfy("l.pem","i.pem","r.pem",T),1);
	expect("good again (memo hit)",vfy("l.pem","i.pem","r.pem",T),1);
	printf("memo hits so far: %zu\n",ev__chain_memo_hits());
	expect("same leaf, issuer same key without keyCertSign",vfy("l.pem","i_noks.pem","r.pem",T),0);
	expect("same leaf, issuer same key CA:FALSE",vfy("l.pem","i_noca.pem","r.pem",T),0);
	expect("same leaf, issuer same key, nameConstraints excl",vfy("l.pem","i_nc.pem","r.pem",T),0);
	expect("same leaf, issuer same key expired at check time",vfy("l.pem","i_exp.pem","r.pem",T+2*86400),0);
	expect("leaf expired at check time",vfy("l.pem","i.pem","r.pem",T+60*86400),0);
	expect("leaf not yet valid at check time",vfy("l.pem","i.pem","r.pem",T-7200-86400),0);
	expect("leaf with corrupted signature (same TBS)",vfy("lbad.pem","i.pem","r.pem",T),0);
	expect("leaf anchored at its intermediate alone (partial)",vfy("l.pem","i.pem",NULL,T),1);
	expect("leaf anchored at the non-CA issuer alone",vfy("l.pem","i_noca.pem",NULL,T),0);
	expect("leaf anchored at the no-keyCertSign issuer alone",vfy("l.pem","i_noks.pem",NULL,T),0);
	expect("leaf directly under root (wrong issuer)",vfy("l.pem",NULL,"r.pem",T),0);
	pthread_t t[4];for(long i=0;i<4;i++)pthread_create(&t[i],NULL,th,(void*)(i+1));for(int i=0;i<4;i++)pthread_join(t[i],NULL);
	printf("flood of 70 leaves from 4 threads: %s\n",bad?"some failed":"all verified");
	expect("after flood: corrupted signature",vfy("lbad.pem","i.pem","r.pem",T),0);
	expect("after flood: no-keyCertSign issuer",vfy("l.pem","i_noks.pem","r.pem",T),0);
	expect("after flood: good",vfy("l.pem","i.pem","r.pem",T),1);
	printf("memo hits: %zu\n",ev__chain_memo_hits());
	return bad;
}
