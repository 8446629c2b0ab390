locals {
  tags = {
    Project            = "spe"
    Environment        = "production"
    DataClassification = "health-data"
    DataResidency      = "JP"
  }
}
