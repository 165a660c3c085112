"""The canteen's codes and their words (English here; zh-CN in the catalogue). A page never shows
a code: templates look the label up here and translate it."""

from __future__ import annotations

MEALS = {"breakfast": "Breakfast", "lunch": "Lunch", "dinner": "Dinner"}
EATS = {"dine_in": "Eats at the canteen", "pick_up": "Picks up", "delivered": "Delivered"}
HOW = {"dine_in": "Dine in", "pick_up": "Pick up", "delivered": "Delivered to the door"}
DINER_STATES = {
    "active": "Active",
    "paused": "Paused",
    "stopped": "Stopped",
    "deceased": "Deceased",
}
PAUSE_REASONS = {
    "hospital": "In hospital",
    "with_family": "Staying with family",
    "other": "Other",
}
DIETS = {
    "low_salt": "Low salt",
    "diabetic": "Diabetic",
    "low_fat": "Low fat",
    "vegetarian": "Vegetarian",
}
TEXTURES = {"normal": "Normal", "soft": "Soft", "minced": "Minced"}
ALLERGENS = {
    "peanut": "Peanuts",
    "tree_nut": "Tree nuts",
    "milk": "Milk",
    "egg": "Eggs",
    "fish": "Fish",
    "shellfish": "Shellfish",
    "soy": "Soy",
    "wheat": "Wheat (gluten)",
    "sesame": "Sesame",
}
PORTIONS = {"small": "Small", "normal": "Normal", "large": "Large"}
DISH_KINDS = {
    "meat": "Meat dish",
    "vegetable": "Vegetable dish",
    "soup": "Soup",
    "staple": "Staple",
    "other": "Other",
}
ORDER_STATES = {
    "ordered": "Ordered",
    "cancelled": "Cancelled",
    "served": "Served",
    "no_show": "Did not come",
    "delivered": "Delivered",
    "refused": "Refused",
    "not_home": "Not home",
}
ORDER_SOURCES = {
    "standing": "Standing order",
    "phone": "On the phone",
    "proxy": "By a family member",
    "counter": "At the counter",
    "on_behalf": "By the grid worker",
}
STOP_RESULTS = {"delivered": "Delivered", "refused": "Refused", "not_home": "Not home / no answer"}
PAYMENTS = {"counter": "At the counter", "monthly": "Monthly"}
HARDSHIPS = {
    "low_income": "Low-income (dibao)",
    "extreme_poverty": "Extreme poverty (tekun)",
    "disabled": "Disabled",
    "elderly_alone": "Elderly living alone",
}
WEEKDAYS = {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri", 5: "Sat", 6: "Sun"}
