#!/bin/bash
# v7: v6 (width 32, widened from v4f; /work/runs/restorer-v6w32) continued with v4f's recipe at lr 1e-4, the
# conditioned network and its blind twin in parallel at one thread each, for 80 minutes (the cosine schedule
# follows the clock). Checkpoints every 500 steps; a later session continues with --resume.
cd /work/main
COMMON="--data ../shared/data/train/photos --data ../shared/data/train/div2k256 --exclude Foggy-Trees.jpg --exclude fog.jpg --val ../shared/data/val/kodak24 --width 32 --loss psnr --type-weight blur=3 --type-weight noise=3 --lr 1e-4 --batch 8 --crop 96 --steps 12000 --minutes 80 --val-every 1000 --checkpoint-every 500 --seed 33 --data-workers 1"
build/rirf --threads 1 train restorer --reasoner models/reasoner.safetensors --init /work/runs/restorer-v6w32/restorer.safetensors $COMMON --out /work/runs/restorer-v7w32 >> /work/runs/restorer-v7w32.log 2>&1 &
build/rirf --threads 1 train restorer --blind --init /work/runs/restorer-blind-v6w32/restorer.safetensors $COMMON --out /work/runs/restorer-blind-v7w32 >> /work/runs/restorer-blind-v7w32.log 2>&1 &
wait
