#!/bin/sh
# Spark's GPU discovery script (as in Spark's examples): prints the addresses of the GPUs this container was given.
# nvidia-smi is mounted into GPU pods by the NVIDIA container toolkit; it is not part of the image.
ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/","/g')
echo "{\"name\": \"gpu\", \"addresses\":[\"$ADDRS\"]}"
