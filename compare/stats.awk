# stats.awk - summarise bench's raw lines ("raw TAG METRIC VARIANT SIZE
# ROUND NS") per TAG/METRIC/SIZE/VARIANT: median, quartiles, and for each
# group with both devices the Rust/C ratio of medians with a bootstrap 95%
# confidence interval (2000 resamples of the rounds; seeded, so a report
# is reproducible from its raw data).
#
# Output, one per line (tab-separated):
#   stat TAG METRIC SIZE VARIANT N MEDIAN Q1 Q3
#   ratio TAG METRIC SIZE RATIO LO HI
function sort_n(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# quantile of sorted a[1..n], linear interpolation
function q(a, n, p,    h, l) {
	h = (n - 1) * p + 1
	l = int(h)
	return l >= n ? a[n] : a[l] + (h - l) * (a[l + 1] - a[l])
}
function median_of(src, key, n,    i, b) {
	for (i = 1; i <= n; i++)
		b[i] = src[key, i]
	sort_n(b, n)
	return q(b, n, 0.5)
}
$1 == "raw" {
	key = $2 SUBSEP $3 SUBSEP $5 SUBSEP $4
	cnt[key]++
	val[key, cnt[key]] = $7
	group[$2 SUBSEP $3 SUBSEP $5] = 1
}
END {
	srand(1)
	for (key in cnt) {
		n = cnt[key]
		for (i = 1; i <= n; i++)
			s[i] = val[key, i]
		sort_n(s, n)
		split(key, k, SUBSEP)
		printf "stat\t%s\t%s\t%s\t%s\t%d\t%.1f\t%.1f\t%.1f\n", k[1], k[2], k[3], k[4], n,
			q(s, n, 0.5), q(s, n, 0.25), q(s, n, 0.75)
		delete s
	}
	for (g in group) {
		kc = g SUBSEP "c"
		kr = g SUBSEP "rust"
		if (!(kc in cnt) || !(kr in cnt))
			continue
		nc = cnt[kc]
		nr = cnt[kr]
		ratio = median_of(val, kr, nr) / median_of(val, kc, nc)
		for (b = 1; b <= 2000; b++) {
			for (i = 1; i <= nc; i++)
				rc[i] = val[kc, int(rand() * nc) + 1]
			for (i = 1; i <= nr; i++)
				rr[i] = val[kr, int(rand() * nr) + 1]
			sort_n(rc, nc)
			sort_n(rr, nr)
			boot[b] = q(rr, nr, 0.5) / q(rc, nc, 0.5)
		}
		sort_n(boot, 2000)
		split(g, k, SUBSEP)
		printf "ratio\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\n", k[1], k[2], k[3], ratio,
			q(boot, 2000, 0.025), q(boot, 2000, 0.975)
	}
}
