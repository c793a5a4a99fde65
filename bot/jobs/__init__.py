"""Durable background jobs (huey): webhook deliveries are processed here, never in the request."""
