data "aws_vpc" "main" {
  id = var.vpc_id
}

data "tls_certificate" "oidc" {
  url = aws_eks_cluster.main.identity[0].oidc[0].issuer
}
