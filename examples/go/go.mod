module topwire.example/go

go 1.19
