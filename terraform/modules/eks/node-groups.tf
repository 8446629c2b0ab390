# Two node pools, labelled spe.org/pool (the label the platform's KubernetesComputePool and workspace pods select on).
# Nodes have no public addresses, encrypted root volumes and IMDSv2 with a hop limit of 1 (pods cannot reach the
# node's instance credentials).

resource "aws_launch_template" "nodes" {
  for_each = toset(["cpu", "gpu"])
  name     = "${var.name}-${each.key}"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 200
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  network_interfaces {
    associate_public_ip_address = false
  }
}

resource "aws_eks_node_group" "cpu" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "${var.name}-cpu"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = var.private_subnet_ids
  instance_types  = var.cpu_nodes.instance_types
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"

  scaling_config {
    min_size     = var.cpu_nodes.min
    desired_size = var.cpu_nodes.desired
    max_size     = var.cpu_nodes.max
  }

  launch_template {
    id      = aws_launch_template.nodes["cpu"].id
    version = aws_launch_template.nodes["cpu"].latest_version
  }

  labels = {
    "spe.org/pool" = "cpu"
  }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size] # the platform's pool API and autoscalers move it
  }

  depends_on = [aws_iam_role_policy_attachment.nodes]
}

resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "${var.name}-gpu"
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = var.private_subnet_ids
  instance_types  = var.gpu_nodes.instance_types
  ami_type        = "AL2023_x86_64_NVIDIA"
  capacity_type   = "ON_DEMAND"

  scaling_config {
    min_size     = var.gpu_nodes.min
    desired_size = var.gpu_nodes.desired
    max_size     = var.gpu_nodes.max
  }

  launch_template {
    id      = aws_launch_template.nodes["gpu"].id
    version = aws_launch_template.nodes["gpu"].latest_version
  }

  labels = {
    "spe.org/pool" = "gpu"
  }

  # Only pods that tolerate GPUs (the workspace executors of permits with GPUs) land here.
  taint {
    key    = "nvidia.com/gpu"
    value  = "present"
    effect = "NO_SCHEDULE"
  }

  lifecycle {
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.nodes]
}
