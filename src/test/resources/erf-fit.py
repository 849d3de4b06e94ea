"""Fits the rational erf of dev.semstream.kernels.Erf: erf(z) ~ z P(u) / Q(u), u = z^2 / 16, on z in [0, 4].

Linearised least squares (P(u) - f Q(u), Householder QR) on Chebyshev-spaced points, with Lawson's
reweighting (w <- w |error|) to pull the least-squares fit towards the minimax one; the best iterate is kept.
Run: python3 src/test/resources/erf-fit.py  (prints the max absolute error in double precision and P, Q).
Degree (5, 5) is the one Erf uses: 2.1e-8, against 5.5e-8 for (6, 4) and 7.7e-7 for (5, 4).
"""
import math
def lstsq(rows, b):
    # Householder QR least squares, double precision
    m=len(rows); n=len(rows[0])
    A=[r[:] for r in rows]; y=b[:]
    for k in range(n):
        norm=math.sqrt(sum(A[i][k]**2 for i in range(k,m)))
        if A[k][k]>0: norm=-norm
        v=[0.0]*m
        for i in range(k,m): v[i]=A[i][k]
        v[k]-=norm
        vv=sum(v[i]**2 for i in range(k,m))
        if vv==0: continue
        for j in range(k,n):
            s=sum(v[i]*A[i][j] for i in range(k,m))*2/vv
            for i in range(k,m): A[i][j]-=s*v[i]
        s=sum(v[i]*y[i] for i in range(k,m))*2/vv
        for i in range(k,m): y[i]-=s*v[i]
    x=[0.0]*n
    for i in range(n-1,-1,-1):
        x[i]=(y[i]-sum(A[i][j]*x[j] for j in range(i+1,n)))/A[i][i]
    return x
def run(np_,nq,N=1500,iters=60):
    xs=[4*(0.5-0.5*math.cos(math.pi*i/(N-1))) for i in range(N)][1:]
    w=[1.0]*len(xs)
    best=None
    Q=[1.0]+[0.0]*nq
    for it in range(iters):
        rows=[];b=[]
        for x,wi in zip(xs,w):
            u=x*x/16; f=math.erf(x)/x
            q=sum(Q[k]*u**k for k in range(nq+1))
            s=math.sqrt(wi)*x/q
            rows.append([s*u**k for k in range(np_+1)]+[-s*f*u**k for k in range(1,nq+1)]); b.append(s*f)
        c=lstsq(rows,b)
        P=c[:np_+1]; Q=[1.0]+c[np_+1:]
        errs=[x*sum(P[k]*(x*x/16)**k for k in range(np_+1))/sum(Q[k]*(x*x/16)**k for k in range(nq+1))-math.erf(x) for x in xs]
        m=max(abs(e) for e in errs)
        if best is None or m<best[0]: best=(m,P[:],Q[:])
        w=[wi*abs(e) for wi,e in zip(w,errs)]; s=sum(w); w=[wi/s for wi in w]
    return best
for np_,nq in [(5,5)]:
    m,P,Q=run(np_,nq)
    print(np_,nq,'max abs err %.3g'%m); print(' P',P); print(' Q',Q)
