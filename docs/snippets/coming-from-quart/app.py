from quart import Quart, abort, g, request, session, url_for

app = Quart(__name__)
app.config["SECRET_KEY"] = "change me"
todos: dict[int, str] = {}


@app.before_request
async def load_user():
    g.username = session.get("user")


@app.post("/todos")
async def create_todo():
    data = await request.get_json()
    todo_id = len(todos) + 1
    todos[todo_id] = data["text"]
    return {"id": todo_id, "url": url_for("show_todo", todo_id=todo_id)}, 201


@app.get("/todos/<int:todo_id>")
async def show_todo(todo_id: int):
    if todo_id not in todos:
        abort(404)
    return {"id": todo_id, "text": todos[todo_id], "user": g.username}


@app.post("/login/<name>")
async def login(name: str):
    session["user"] = name
    return "ok"
