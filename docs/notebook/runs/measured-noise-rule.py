#!/usr/bin/python3
# The measured-noise rule on the training-photo probe's CSVs (docs/notebook/runs/measured-noise-probe.cpp):
# noise sigma MAE (sigma 5-50) of the network, and of the measured mid-tone sigma adopted where
# noise alone is found and the two agree within tau.
#   measured-noise-rule.py nlf-p3.csv nlf-d3.csv
import csv, sys
rows = []
for path in sys.argv[1:]:
    for r in csv.DictReader(open(path)):
        r['src'] = path
        rows.append(r)
for r in rows:
    for k in ['truth', 'corr', 'net', 'mid']: r[k] = float(r[k])
inr = [r for r in rows if 5 <= r['truth'] <= 50]
def rule(r, tau):
    if r['detected'] != 'noise+': return r['net']
    return r['mid'] if abs(r['mid'] - r['net']) <= tau * r['net'] else r['net']
print("| samples | n | network | agree within 15% | 25% | 35% | measured wherever noise alone is found |")
print("|---|---:|---:|---:|---:|---:|---:|")
groups = [(p, lambda r, p=p: r['src'] == p) for p in sys.argv[1:]] + [
    ('noise alone found', lambda r: r['detected'] == 'noise+'),
    ('noise alone found, white', lambda r: r['detected'] == 'noise+' and r['corr'] == 0),
    ('noise alone found, correlated', lambda r: r['detected'] == 'noise+' and r['corr'] > 0),
    ('all noisy', lambda r: True)]
for name, sel in groups:
    s = [r for r in inr if sel(r)]
    m = lambda f: sum(abs(f(r) - r['truth']) for r in s) / len(s)
    print("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |" % (name, len(s), m(lambda r: r['net']), m(lambda r: rule(r, .15)),
          m(lambda r: rule(r, .25)), m(lambda r: rule(r, .35)), m(lambda r: r['mid'] if r['detected'] == 'noise+' else r['net'])))
