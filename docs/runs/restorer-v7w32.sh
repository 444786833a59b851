#!/bin/bash
# v7: v6 (width 32) continued, 12,000 steps, lr 1e-4, conditioned and blind twin in parallel; checkpoints every 500 so a later session can --resume.
cd /work/main
COMMON="--data ../shared/data/train/photos --data ../shared/data/train/div2k256 --exclude Foggy-Trees.jpg --exclude fog.jpg --val ../shared/data/val/kodak24 --width 32 --loss psnr --type-weight blur=3 --type-weight noise=3 --lr 1e-4 --batch 8 --crop 96 --steps 12000 --val-every 1000 --checkpoint-every 500 --seed 33 --data-workers 1"
build/rirf --threads 1 train restorer --reasoner models/reasoner.safetensors --init /work/runs/restorer-v6w32/restorer.safetensors $COMMON --out /work/runs/restorer-v7w32 >> /work/runs/restorer-v7w32.log 2>&1 &
build/rirf --threads 1 train restorer --blind --init /work/runs/restorer-blind-v6w32/restorer.safetensors $COMMON --out /work/runs/restorer-blind-v7w32 >> /work/runs/restorer-blind-v7w32.log 2>&1 &
wait
