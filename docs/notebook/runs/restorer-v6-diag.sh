#!/bin/bash
# Why did widened v6 lose crop-val PSNR? (a) widened, lr 5e-5; (b) width 16 control at v6's lr 2e-4. 1,500 steps each, in parallel.
cd /work/main
COMMON="--reasoner models/reasoner.safetensors --init models/restorer.safetensors --data ../shared/data/train/photos --data ../shared/data/train/div2k256 --exclude Foggy-Trees.jpg --exclude fog.jpg --val ../shared/data/val/kodak24 --loss psnr --type-weight blur=3 --type-weight noise=3 --batch 8 --crop 96 --steps 1500 --val-every 500 --checkpoint-every 500 --seed 32 --data-workers 1"
build/rirf --threads 1 train restorer $COMMON --width 32 --lr 5e-5 --out /work/runs/diag-w32-lr5e-5 > /work/runs/diag-w32-lr5e-5.log 2>&1 &
build/rirf --threads 1 train restorer $COMMON --width 16 --lr 2e-4 --out /work/runs/diag-w16-lr2e-4 > /work/runs/diag-w16-lr2e-4.log 2>&1 &
wait
