-- Projection verdicts now compare the detection distance (the projected latent's distance from w_avg in w_std,
-- plus twice the half-resolution residual share), not the pixel MSE. A threshold calibrated on the MSE means
-- nothing on the new scale: verdicts are "uncalibrated" until the model is calibrated again.
UPDATE models SET projection_threshold = NULL;
