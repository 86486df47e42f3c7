// Package memory implements the application's ports in process memory. It keeps the same
// rules as the database adapters, so it serves fast tests and local runs; its data does not
// outlive the process.
package memory
