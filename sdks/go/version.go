package plystra

// Version is the SDK version, kept aligned with Plystra Core (the wire contract's info.version).
const Version = "1.0.0"
