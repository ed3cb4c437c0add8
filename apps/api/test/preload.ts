// Every suite runs as NODE_ENV=test: no secret file is written, nothing reads ./data.
process.env.NODE_ENV = "test";
