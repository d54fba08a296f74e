module github.com/fleetbackup/fleetbackup/pkg

go 1.26
