#!/bin/bash
# Did the 320 px photo pack make the GPU run v8 worse? The width-16 control of restorer-v6-diag.sh
# (v4f, lr 2e-4, 1,500 steps, seed 32; from the photo folders: 26.86 dB on the whole-image bench)
# repeated from (a) the 320 px pack v8 trained on and (b) a pack of the whole photos as JPEG q95.
cd /work/main
build/rirf train pack --data ../shared/data/train/photos --data ../shared/data/train/div2k256 --exclude Foggy-Trees.jpg \
  --exclude fog.jpg --max-side 320 --out /tmp/pack320.safetensors
build/rirf train pack --data ../shared/data/train/photos --data ../shared/data/train/div2k256 --exclude Foggy-Trees.jpg \
  --exclude fog.jpg --max-side 4096 --quality 95 --out /tmp/full-q95.safetensors
COMMON="--reasoner models/reasoner.safetensors --init models/restorer.safetensors --val ../shared/data/val/kodak24 --loss psnr --type-weight blur=3 --type-weight noise=3 --batch 8 --crop 96 --steps 1500 --val-every 500 --checkpoint-every 500 --seed 32 --data-workers 1 --width 16 --lr 2e-4"
build/rirf --threads 1 train restorer $COMMON --data /tmp/pack320.safetensors --out /work/runs/diag-pack320 > /work/runs/diag-pack320.log 2>&1 &
build/rirf --threads 1 train restorer $COMMON --data /tmp/full-q95.safetensors --out /work/runs/diag-packfull > /work/runs/diag-packfull.log 2>&1 &
wait
for r in pack320 packfull; do
  build/bench_restorer --val ../shared/data/val/kodak24 --val ../shared/data/val/mcmaster --weights /work/runs/diag-$r/restorer.safetensors --speed-mp 0 > /work/runs/diag-$r.bench.md 2>/dev/null
done
